#!/usr/bin/env node
// timonel CLI: `timonel check <dir|file>...` runs the policy rules over any Kubernetes YAML.
// Runs the TypeScript sources through tsx's require hook (a devDependency, so it works after
// `npm ci`); without tsx it falls back to the compiled output of `npm run build` (lib/).
'use strict';
const path = require('path');

function load() {
  const root = path.join(__dirname, '..');
  let register;
  try {
    register = require('tsx/cjs/api').register;
  } catch {
    return require(path.join(root, 'lib', 'src', 'cli', 'main.js'));
  }
  register();
  return require(path.join(root, 'src', 'cli', 'main.ts'));
}

load().main();
