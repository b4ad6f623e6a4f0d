import { Yaml } from 'cdk8s';
import { CallMemo, withCallScope } from '../core/call-scope';
import { CDK8S_YAML_TYPED_SCALARS } from './cdk8s-internals';

/**
 * Serializes documents to exactly the bytes of cdk8s `Yaml.stringify(...docs)`, several times
 * faster.
 *
 * cdk8s (and so plain `cdk8s synth`) hands every document to the `yaml` library, which builds a
 * node tree for it and then prints it: most of a large app's synth time. Kubernetes documents
 * are plain JSON trees, whose block layout is fixed (two-space indent, `- ` items, `{}` and `[]`
 * when empty), so this module prints the layout itself. The hard part, how each scalar and key
 * is written (plain, quoted, which YAML 1.1 words need quotes), stays the `yaml` library's: it
 * is asked once per distinct string and the answer is remembered for the call (a synth, a render,
 * or this function's own call outside one: `core/call-scope.ts`); only identifiers that cannot
 * mean anything but a string (a letter, then letters, digits, `.`, `_`, `/`, `-`; not a YAML 1.1
 * boolean or null word, not `e7`) are written plain without asking. So are values such as image
 * references, URLs and digests (a letter or digit, then those characters and `:`, not ending in
 * `:`) that none of the library's own YAML 1.1 tags reads as a number, boolean, null or time:
 * the test the library itself makes before it writes a string plain (`plainString`).
 *
 * Anything outside that subset sends its whole document to `Yaml.stringify` itself: multi-line
 * strings (block scalars), strings that start like a document marker, values that are not plain objects, arrays, strings, numbers,
 * booleans or null (e.g. undefined, Date, Map), an object or array referenced twice (YAML
 * anchors), a document that is not a non-empty object. `test/synth/yaml.test.ts` compares the two on the
 * example platform and on random documents.
 */
export function stringifyDocs(docs: readonly unknown[]): string {
  return withCallScope(() => {
    const memo = MEMO.get();
    // The text is collected in pieces and joined once: a string grown by `+=` is a tree of pieces,
    // flattened (at a cost) when it is written out.
    const out: string[] = [];
    for (let i = 0; i < docs.length; i++) {
      if (i > 0) out.push('---\n');
      writeDoc(out, docs[i], memo);
    }
    return out.join('');
  });
}

/** Appends the text of one document to `out`. */
function writeDoc(out: string[], doc: unknown, memo: Memo): void {
  const start = out.length;
  // An empty map goes to the library too (it writes `{}`).
  if (isPlainObject(doc)) {
    const w: Writing = { keyHeads: memo.keyHeads, valueTexts: memo.valueTexts, seen: new Set([doc]) };
    if (writeMap(out, doc, 0, '', w) && out.length > start) return;
  }
  out.length = start;
  out.push(Yaml.stringify(doc));
}

/**
 * Appends the lines of a non-empty map's entries at indentation `depth` (the first line starts
 * with `lead` instead: `- ` in a sequence). False when the map leaves the subset this module
 * writes itself (what it appended is then discarded with the document). `w.seen` holds every
 * collection met so far in the document: the library writes a collection met twice as an anchor
 * and aliases. Each line is pushed as pieces (line start, key head, value, newline), none of them
 * built for the line.
 */
function writeMap(out: string[], o: Record<string, unknown>, depth: number, lead: string, w: Writing): boolean {
  const indent = indentOf(depth);
  let start = lead;
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
    const key = keyHead(k, w.keyHeads);
    if (key === undefined || !writeValue(out, o[k], depth, start, key, w)) return false;
    start = indent;
  }
  return true;
}

/** Like `writeMap`, for a non-empty sequence's items (`- ` after the line start). */
function writeSeq(out: string[], a: readonly unknown[], depth: number, lead: string, w: Writing): boolean {
  const dash = dashOf(depth);
  for (let i = 0; i < a.length; i++) {
    if (!(i in a)) return false; // a hole
    if (!writeValue(out, a[i], depth, i === 0 ? lead + '- ' : dash, undefined, w)) return false;
  }
  return true;
}

/**
 * One value of a collection at indentation `depth`, on a line starting with `start`: of the map
 * key `key`, or (without `key`) a sequence item (`start` then ends in `- `).
 */
function writeValue(out: string[], v: unknown, depth: number, start: string, key: KeyHead | undefined, w: Writing): boolean {
  if (typeof v === 'object' && v !== null) return writeNested(out, v, depth + 1, start, key, w);
  const text = scalarText(v, w.valueTexts);
  if (text === undefined) return false;
  if (key !== undefined) out.push(start, key.inline, text, '\n');
  else out.push(start, text, '\n');
  return true;
}

/**
 * A nested array or plain object whose entries are at indentation `depth`: the value of the map
 * key `key` on a line starting with `start`, or (without `key`) a sequence item whose first line
 * is `start` (ending in `- `). Empty ones are written `[]` and `{}` on the line; false for anything
 * else, or one met before.
 */
function writeNested(out: string[], v: object, depth: number, start: string, key: KeyHead | undefined, w: Writing): boolean {
  if (w.seen.has(v)) return false;
  w.seen.add(v);
  const isArray = Array.isArray(v);
  if (!isArray && !isPlainObject(v)) return false;
  if (isArray ? v.length === 0 : isEmptyMap(v as Record<string, unknown>)) {
    if (key !== undefined) out.push(start, key.inline, isArray ? '[]\n' : '{}\n');
    else out.push(start, isArray ? '[]\n' : '{}\n');
    return true;
  }
  let first = start;
  if (key !== undefined) {
    out.push(start, key.block);
    first = indentOf(depth);
  }
  return isArray ? writeSeq(out, v, depth, first, w) : writeMap(out, v as Record<string, unknown>, depth, first, w);
}

/** Two spaces per level; the usual depths are made once. */
const INDENTS: readonly string[] = Array.from({ length: 32 }, (_, i) => '  '.repeat(i));
const DASHES: readonly string[] = INDENTS.map((indent) => `${indent}- `);

function indentOf(depth: number): string {
  return depth < INDENTS.length ? INDENTS[depth] : '  '.repeat(depth);
}

function dashOf(depth: number): string {
  return depth < DASHES.length ? DASHES[depth] : `${'  '.repeat(depth)}- `;
}

function isEmptyMap(o: Record<string, unknown>): boolean {
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) return false;
  return true;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Letters first, then letters, digits, '.', '_', '/', '-': no indicator, date or time. */
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9._/-]*$/;

/** The identifiers YAML 1.1 reads as floats: an exponent without a mantissa (`e7`, `E-10`). */
const BARE_EXPONENT = /^[eE][-+]?[0-9]+$/;

/** The YAML 1.1 words that read as booleans or null (cdk8s writes YAML 1.1). */
const YAML11_WORDS = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO',
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'off', 'Off', 'OFF',
  'null', 'Null', 'NULL',
]);

/** How a key or scalar is written on its line; undefined when it leaves the subset this module writes. */
type Text = string | undefined;

/** How a map key starts its line: before a scalar on the line (`key: `), before a block (`key:` and a newline). */
interface KeyHead {
  readonly inline: string;
  readonly block: string;
}

/** Remembered answers of the `yaml` library, for one call (bounded, whatever the input). */
interface Memo {
  readonly keyHeads: Map<string, KeyHead | undefined>;
  readonly valueTexts: Map<string | number, Text>;
}

/** The state of writing one document: the memo, and the collections met so far. */
interface Writing extends Memo {
  readonly seen: Set<object>;
}

const MAX_REMEMBERED = 100_000;
const MEMO = new CallMemo<Memo>(() => ({ keyHeads: new Map(), valueTexts: new Map() }));

function remember<K, T>(cache: Map<K, T>, key: K, text: T): T {
  if (cache.size >= MAX_REMEMBERED) cache.clear();
  cache.set(key, text);
  return text;
}

/**
 * Strings that start like a YAML document marker are written differently at different depths
 * (a top-level key `---x` is quoted, a nested one is not): their documents go to the library.
 */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/;

function isIdentifier(s: string): boolean {
  return s.length <= 1024 && IDENTIFIER.test(s) && !YAML11_WORDS.has(s) && !BARE_EXPONENT.test(s);
}

/** How the `yaml` library writes `k` as a block mapping key, or undefined if not on one line. */
function keyHead(k: string, keyHeads: Memo['keyHeads']): KeyHead | undefined {
  const known = keyHeads.get(k); // keys repeat: most are found here
  if (known !== undefined || keyHeads.has(k)) return known;
  const text = isIdentifier(k) ? k : probeKey(k);
  return remember(keyHeads, k, text === undefined ? undefined : { inline: `${text}: `, block: `${text}:\n` });
}

function probeKey(k: string): Text {
  if (k.includes('\n') || k.includes('\r') || DOCUMENT_MARKER.test(k)) return undefined;
  const probe = Yaml.stringify({ [k]: 0 });
  return probe.endsWith(': 0\n') && probe.indexOf('\n') === probe.length - 1 && !probe.startsWith('? ') ? probe.slice(0, -4) : undefined;
}

/** How the `yaml` library writes a scalar as a block mapping value or sequence item, if on one line. */
function scalarText(v: unknown, valueTexts: Memo['valueTexts']): Text {
  switch (typeof v) {
    case 'string': {
      const known = valueTexts.get(v);
      if (known !== undefined || valueTexts.has(v)) return known;
      if (isIdentifier(v)) return remember(valueTexts, v, v);
      if (isPlainValue(v)) return v; // mostly one-off strings (digests, URLs): not remembered
      if (v.includes('\n') || v.includes('\r') || DOCUMENT_MARKER.test(v)) return undefined;
      return probeValue(v, valueTexts);
    }
    case 'number':
      return Object.is(v, -0) ? undefined : probeValue(v, valueTexts); // a Map key -0 would find 0's answer
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      return v === null ? 'null' : undefined;
    default:
      return undefined;
  }
}

function probeValue(v: string | number, valueTexts: Memo['valueTexts']): Text {
  const known = valueTexts.get(v);
  if (known !== undefined || valueTexts.has(v)) return known;
  const probe = Yaml.stringify({ v });
  const text = probe.startsWith('v: ') && probe.indexOf('\n') === probe.length - 1 ? probe.slice(3, -1) : undefined;
  return remember(valueTexts, v, text);
}

/**
 * Values the library writes plain whatever their position: no indicator first, no space, `#` or
 * quote, not ending in `:` (its `plainString` quotes those), and not read as another type.
 */
const PLAIN_VALUE = /^[A-Za-z0-9][A-Za-z0-9._/:-]*$/;

function isPlainValue(s: string): boolean {
  return CDK8S_YAML_TYPED_SCALARS !== undefined && s.length <= 1024 && PLAIN_VALUE.test(s) && !s.endsWith(':') && !CDK8S_YAML_TYPED_SCALARS.some((re) => re.test(s));
}
