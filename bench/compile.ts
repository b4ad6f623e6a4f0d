/**
 * Transpiles timonel's TypeScript (src/, bench/ and the generated bindings in imports/) to
 * CommonJS in a folder outside the repo, file by file with the project's compiler options (`isolatedModules` makes that exact),
 * so benchmark children run as plain `node <file>.js`, like a compiled app, without a loader in
 * the measured time. A `node_modules` symlink makes package imports resolve as in the repo.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

// imports/ holds the generated CRD bindings src/ imports (../../imports/argoproj.io): same relative layout.
const DIRS = ['src', 'bench', 'imports'];

/** Compiles into `outDir`; returns how many files were written. */
export function compileTo(root: string, outDir: string): number {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const compilerOptions: ts.CompilerOptions = { ...options, declaration: false, sourceMap: false, inlineSourceMap: false, noEmit: false };
  let count = 0;
  for (const dir of DIRS) {
    for (const file of walk(path.join(root, dir))) {
      if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
      const rel = path.relative(root, file);
      const out = path.join(outDir, rel.replace(/\.ts$/, '.js'));
      const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, outputText);
      count++;
    }
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(outDir, 'node_modules'), 'dir');
  return count;
}

function* walk(dir: string): Generator<string> {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}
