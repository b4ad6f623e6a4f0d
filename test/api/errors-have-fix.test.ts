import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';

// Every error says how to fix it (README). The fuzzer checks the props errors it can reach; this
// checks the errors written in the source, so that one added later without a fix fails here.
// A call that spreads a problem object (`...problem`) takes the fix from it and is not counted.
const SRC = join(__dirname, '../../src');
// cdk8s's own validation errors, gathered into one message, each with its construct's own words.
const EXEMPT = ['synth/cdk8s-internals.ts'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The `{ … }` argument of each `fail({` or `new TimonelError({` call in `text`, with its line. */
function errorCalls(text: string): Array<{ line: number; body: string }> {
  const out: Array<{ line: number; body: string }> = [];
  for (const m of text.matchAll(/\b(?:fail|new TimonelError)\(\{/g)) {
    let depth = 0;
    let i = m.index! + m[0].length - 1;
    for (; i < text.length; i++) {
      if ('({['.includes(text[i])) depth++;
      else if (')}]'.includes(text[i]) && --depth === 0) break;
    }
    out.push({ line: text.slice(0, m.index).split('\n').length, body: text.slice(m.index! + m[0].length - 1, i + 1) });
  }
  return out;
}

test('every error the source raises gives a fix (trial R: two errors had none)', () => {
  const missing = files(SRC)
    .filter((f) => !EXEMPT.includes(relative(SRC, f)))
    .flatMap((f) => errorCalls(readFileSync(f, 'utf8'))
      .filter((c) => !/\bfix\b/.test(c.body) && !c.body.includes('...'))
      .map((c) => `${relative(SRC, f)}:${c.line}`));
  expect(missing).toEqual([]);
});

test('the scan finds the error calls it checks', () => {
  expect(errorCalls("fail({ prop: 'x', message: 'm', fix: 'f' }); new TimonelError({ message: 'n' })").map((c) => c.body))
    .toEqual(["{ prop: 'x', message: 'm', fix: 'f' }", "{ message: 'n' }"]);
});
