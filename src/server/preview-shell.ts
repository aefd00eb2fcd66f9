/** The HTML shell of the preview's own pages; the client script builds the rest from the state. */
export function previewShellHtml(kind: 'index' | 'page', title: string): string {
  const script = kind === 'index' ? 'index-page.js' : 'page-view.js';
  return `<!doctype html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/_preview/preview.css">
<script src="/_preview/${script}" defer></script>
</head>
<body class="pw-${kind}">
<noscript>The presswork preview needs JavaScript.</noscript>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
