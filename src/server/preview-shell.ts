/** The HTML shell of the preview's own pages; the client script builds the rest from the state. */
/** `deskToken`: the layout desk's write token, for the page view of a server that allows edits. */
export function previewShellHtml(kind: 'index' | 'page', title: string, deskToken?: string): string {
  const script = kind === 'index' ? 'index-page.js' : 'page-view.js';
  const token = deskToken ? `<meta name="pw-desk-token" content="${escapeHtml(deskToken)}">\n` : '';
  return `<!doctype html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${token}<link rel="stylesheet" href="/_preview/preview.css">
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
