import * as path from 'path';
import * as ts from 'typescript';

// Every optional prop of the public *Props and *Options interfaces says what happens when it is
// left out: a `@default` tag (a literal, or `-` and what actually happens), as the AWS CDK does.
const ROOT = path.resolve(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src') + path.sep;

/** `Interface.prop` (where it is declared) for every optional prop in src/ without a @default tag. */
function propsWithoutDefault(): { checked: number; missing: string[] } {
  const program = ts.createProgram([path.join(SRC, 'index.ts')], { strict: true, skipLibCheck: true, noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  const entry = checker.getSymbolAtLocation(program.getSourceFile(path.join(SRC, 'index.ts'))!)!;
  const missing = new Set<string>();
  const seen = new Set<ts.Declaration>();
  for (const exported of checker.getExportsOfModule(entry)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!(symbol.flags & ts.SymbolFlags.Interface) || !/(Props|Options)$/.test(exported.name)) continue;
    for (const prop of checker.getDeclaredTypeOfSymbol(symbol).getProperties()) {
      const decl = prop.valueDeclaration ?? prop.declarations?.[0];
      // Props inherited from cdk8s are documented there.
      if (!decl || !decl.getSourceFile().fileName.startsWith(SRC.split(path.sep).join('/'))) continue;
      if (!(prop.flags & ts.SymbolFlags.Optional) || seen.has(decl)) continue;
      seen.add(decl);
      const owner = ts.isInterfaceDeclaration(decl.parent) ? decl.parent.name.text : exported.name;
      if (!ts.getJSDocTags(decl).some((t) => t.tagName.text === 'default')) missing.add(`${owner}.${prop.name}`);
    }
  }
  return { checked: seen.size, missing: [...missing].sort() };
}

test('every optional prop of an exported *Props or *Options interface carries @default', () => {
  const { checked, missing } = propsWithoutDefault();
  expect(checked).toBeGreaterThan(50);
  expect(missing).toEqual([]);
}, 60_000);
