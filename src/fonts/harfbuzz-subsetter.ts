import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/**
 * TrueType subsets made by harfbuzz's hb-subset (WebAssembly, from the harfbuzzjs package),
 * with each whole face kept loaded.
 *
 * subset-font copies the whole face (up to 16.5 MB) into harfbuzz's memory, parses it and
 * frees it again on every call: most of a page's subsetting time. Here a face is copied in
 * once and its hb_face kept, with the tables and lookups harfbuzz caches on it; a page's
 * subset only fills an input set and calls hb_subset. The options are subset-font's with
 * `targetFormat: 'truetype'` and nothing else (every layout feature kept, harfbuzz's
 * defaults otherwise), so the subsets are the very bytes it made.
 */
export interface HeldFace {
  /** The font file, for errors. */
  readonly file: string;
  /** Bytes of the whole face held in harfbuzz. */
  readonly bytes: number;
  /**
   * A TrueType subset holding the given code points that the face maps (and what layout
   * needs with them); the face must map one of them at least, or harfbuzz leaves out the
   * character map and this fails. Synchronous but for a face that ran out of room beside
   * others and is loaded again on its own.
   */
  subset(codePoints: Iterable<number>): Promise<Buffer>;
  /** Frees the face's memory in harfbuzz; the face cannot subset any more. */
  release(): void;
}

interface HarfbuzzSubset {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  free(pointer: number): void;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_data(blob: number, length: number): number;
  hb_blob_get_length(blob: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_face_reference_blob(face: number): number;
  hb_set_add(set: number, value: number): void;
  hb_set_clear(set: number): void;
  hb_set_invert(set: number): void;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_set(input: number, which: number): number;
  hb_subset_input_unicode_set(input: number): number;
  hb_subset_or_fail(face: number, input: number): number;
  _initialize(): void;
}

// The blob's memory is ours (freed with the face); harfbuzz may edit it in place when it
// sanitises a table, as it does under subset-font.
const HB_MEMORY_MODE_WRITABLE = 2;
const HB_SUBSET_SETS_LAYOUT_FEATURE_TAG = 6;

let module: Promise<WebAssembly.Module> | undefined;
let compiled: WebAssembly.Module | undefined;

/**
 * harfbuzzjs's build has a fixed memory of 65 MB that cannot grow: all the faces of a build
 * (48 MB, the 51 MB fallback font besides) do not fit in one instance with room to subset.
 * Faces are packed into instances up to this many bytes each, which leaves every instance
 * at least 29 MB for subsetting (a page's subset of the 16 MB LXGW face takes a few MB); a
 * face bigger than this has an instance of its own, as it had under subset-font.
 */
const FACES_PER_INSTANCE_BYTES = 36 * 1024 * 1024;

interface Instance {
  hb: HarfbuzzSubset;
  /** Bytes of the faces held in it. */
  held: number;
  faces: number;
}

const instances: Instance[] = [];
const instanceOf = new WeakMap<HeldFace, () => Instance>();

/** harfbuzzjs's subsetting build, a direct dependency pinned exactly: subset files are named by their input, not by harfbuzz's version. */
function wasmPath(): string {
  return createRequire(import.meta.url).resolve('harfbuzzjs/dist/harfbuzz-subset.wasm');
}

/**
 * Compiles harfbuzz once a process, off the main thread (V8 compiles WebAssembly on its
 * background threads). Instances are made from it as faces need room.
 */
export function compileHarfbuzz(): Promise<WebAssembly.Module> {
  module ??= readFile(wasmPath()).then((bytes) => WebAssembly.compile(bytes));
  module.then((m) => (compiled = m)).catch(() => (module = undefined));
  return module;
}

function newInstance(): Instance {
  const hb = new WebAssembly.Instance(compiled!, {}).exports as unknown as HarfbuzzSubset;
  hb._initialize();
  const instance = { hb, held: 0, faces: 0 };
  instances.push(instance);
  return instance;
}

/** A face's bytes in an instance's memory. */
interface Room {
  instance: Instance;
  data: number;
}

/** Room for `size` bytes of face: in an instance with room under the budget (or, `alone`, a new one); undefined when none has. */
function reserve(size: number, alone = false): Room | undefined {
  let room: Room | undefined;
  for (const instance of alone ? [] : instances) {
    if (instance.faces > 0 && instance.held + size > FACES_PER_INSTANCE_BYTES) continue;
    const data = instance.hb.malloc(size);
    if (data !== 0) {
      room = { instance, data };
      break;
    }
  }
  if (!room) {
    const instance = newInstance();
    const data = instance.hb.malloc(size);
    if (data === 0) {
      dropIfEmpty(instance);
      return undefined;
    }
    room = { instance, data };
  }
  room.instance.held += size;
  room.instance.faces += 1;
  return room;
}

function unreserve(room: Room, size: number): void {
  room.instance.hb.free(room.data);
  room.instance.held -= size;
  room.instance.faces -= 1;
  dropIfEmpty(room.instance);
}

/** An empty instance goes, with its 65 MB, unless it is the only one. */
function dropIfEmpty(instance: Instance): void {
  if (instance.faces === 0 && instances.length > 1) instances.splice(instances.indexOf(instance), 1);
}

/**
 * Bytes harfbuzz could still allocate in the face's instance, counted in 4 kB blocks (its
 * memory is fixed, so this is what shows a leak): for tests.
 */
export function harfbuzzFreeBytes(face: HeldFace): number {
  const { hb } = instanceOf.get(face)!();
  const blocks: number[] = [];
  for (let block = hb.malloc(4096); block !== 0; block = hb.malloc(4096)) blocks.push(block);
  for (const block of blocks) hb.free(block);
  return blocks.length * 4096;
}

/**
 * Whether a subset has its character map and outlines. Out of room, harfbuzz can leave them
 * empty (a 4-byte cmap, a glyf table of 0 bytes that loca says holds megabytes) and still
 * succeed; so it does with more characters than a format 4 cmap holds.
 */
function complete(font: Uint8Array): boolean {
  if (font.byteLength < 12) return false;
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const tables = new Map<string, { offset: number; length: number }>();
  for (let i = 0, count = view.getUint16(4); i < count && 12 + 16 * i + 16 <= font.byteLength; i++) {
    const at = 12 + 16 * i;
    tables.set(String.fromCharCode(...font.subarray(at, at + 4)), { offset: view.getUint32(at + 8), length: view.getUint32(at + 12) });
  }
  const within = (t: { offset: number; length: number } | undefined) => t !== undefined && t.offset + t.length <= font.byteLength;
  const cmap = tables.get('cmap');
  // At least one encoding record, with its subtable.
  if (!within(cmap) || cmap!.length < 12 || view.getUint16(cmap!.offset + 2) === 0) return false;
  const cff = tables.get('CFF ') ?? tables.get('CFF2');
  if (cff) return within(cff) && cff.length > 0;
  const [glyf, loca, head] = [tables.get('glyf'), tables.get('loca'), tables.get('head')];
  if (!within(glyf) || !within(loca) || !within(head) || loca!.length < 4 || head!.length < 54) return false;
  // The last loca entry is where the last glyph ends: glyf must hold that much.
  const long = view.getInt16(head!.offset + 50) === 1;
  const end = long ? view.getUint32(loca!.offset + loca!.length - 4) : view.getUint16(loca!.offset + loca!.length - 2) * 2;
  return glyf!.length >= end;
}

/**
 * Loads a whole face (TrueType or OpenType, `size` bytes) into harfbuzz: `fill` writes its
 * bytes into harfbuzz's memory (a file read straight into it: no 16 MB Buffer for V8 to
 * collect, no copy on the main thread), and again should the face need to move. The memory
 * cannot grow, so the view stays valid while `fill` awaits.
 */
export async function holdFace(file: string, size: number, fill: (target: Uint8Array) => Promise<void> | void): Promise<HeldFace> {
  await compileHarfbuzz();
  const filled = async (room: Room) => {
    try {
      await fill(new Uint8Array(room.instance.hb.memory.buffer, room.data, size));
      return room;
    } catch (error) {
      unreserve(room, size);
      throw error;
    }
  };
  const first = reserve(size);
  if (!first) throw new Error(`${file}: the font is too big for harfbuzz's memory (${size} bytes, harfbuzz has 65 MB)`);
  let room = await filled(first);
  const open = () => {
    const { hb } = room.instance;
    const blob = hb.hb_blob_create(room.data, size, HB_MEMORY_MODE_WRITABLE, 0, 0);
    const opened = hb.hb_face_create(blob, 0);
    hb.hb_blob_destroy(blob); // the face holds its own reference
    return opened;
  };
  let face = open();
  let held = true;
  /** A move under way: pages subsetting the face at once wait for the same one. */
  let moving: Promise<boolean> | undefined;

  /**
   * The face loaded again in an instance of its own, for all the room harfbuzz has: from its
   * source, as harfbuzz may have edited the bytes it ran out of room in.
   */
  const moveAlone = async () => {
    const alone = reserve(size, true);
    if (!alone) return false;
    const to = await filled(alone);
    if (!held) {
      unreserve(to, size); // released meanwhile
      return false;
    }
    room.instance.hb.hb_face_destroy(face);
    unreserve(room, size);
    room = to;
    face = open();
    return true;
  };

  /** The subset, or undefined when harfbuzz failed or ran out of room. */
  const trySubset = (codePoints: number[]): Buffer | undefined => {
    const { hb } = room.instance;
    const input = hb.hb_subset_input_create_or_fail();
    if (input === 0) return undefined;
    let subset = 0;
    try {
      // Every layout feature (subset-font's default), so the subset sets text as the whole face does.
      const features = hb.hb_subset_input_set(input, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG);
      hb.hb_set_clear(features);
      hb.hb_set_invert(features);
      const unicodes = hb.hb_subset_input_unicode_set(input);
      for (const cp of codePoints) hb.hb_set_add(unicodes, cp);
      subset = hb.hb_subset_or_fail(face, input);
    } finally {
      hb.hb_subset_input_destroy(input);
    }
    if (subset === 0) return undefined;
    const result = hb.hb_face_reference_blob(subset);
    try {
      const font = new Uint8Array(hb.memory.buffer, hb.hb_blob_get_data(result, 0), hb.hb_blob_get_length(result));
      return complete(font) ? Buffer.from(font) : undefined;
    } finally {
      hb.hb_blob_destroy(result);
      hb.hb_face_destroy(subset);
    }
  };

  const heldFace: HeldFace = {
    file,
    bytes: size,
    async subset(codePoints) {
      if (!held) throw new Error(`${file}: the face was released`);
      const list = [...codePoints];
      let font = trySubset(list);
      if (!font && room.instance.faces > 1) {
        moving ??= moveAlone().finally(() => (moving = undefined));
        if (await moving) font = trySubset(list);
      }
      // A damaged font, or more characters than a format 4 character map holds (some 8,000 scattered ones).
      if (!font) throw new Error(`${file}: harfbuzz could not subset this font to the page's ${list.length} characters (no subset, or one without its character map or outlines); expected a complete TrueType or OpenType font`);
      return font;
    },
    release() {
      if (!held) return;
      held = false;
      room.instance.hb.hb_face_destroy(face);
      unreserve(room, size);
    },
  };
  instanceOf.set(heldFace, () => room.instance);
  return heldFace;
}
