#!/usr/bin/env node
// npm pack / npm publish: the packed package.json carries no `prepare` script.
// npm 11 warns on every install of a package with a `prepare` script ("not yet covered by
// allowScripts"), although it never runs it for a registry or tarball install. `prepare` stays in
// the repository for `npm ci` and git installs (npm runs it for git dependencies only). Only it is
// removed: a pack that fails between prepack and postpack leaves a package.json whose other
// scripts (prepack and postpack among them, so the next pack restores it; npm test) still work.
//   prepack:  node .ci/pack-manifest.js strip    (after the build)
//   postpack: node .ci/pack-manifest.js restore
// npm reads the manifest to pack after prepack, so the tarball gets the stripped one; the
// original is kept beside it until postpack, and a strip after an interrupted pack restores it first.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const manifest = path.join(root, 'package.json');
const kept = path.join(root, '.package.json.before-pack');

function restore() {
  if (fs.existsSync(kept)) fs.renameSync(kept, manifest);
}

const command = process.argv[2];
if (command === 'strip') {
  restore();
  const text = fs.readFileSync(manifest, 'utf8');
  fs.writeFileSync(kept, text);
  const pkg = JSON.parse(text);
  delete pkg.scripts.prepare;
  fs.writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (command === 'restore') {
  restore();
} else {
  process.stderr.write('usage: node .ci/pack-manifest.js strip|restore\n');
  process.exit(2);
}
