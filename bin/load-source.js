// Loads a TypeScript module of src/ through tsx's require hook (a devDependency, so it works
// offline after `npm ci`); without tsx, the compiled output of `npm run build` (lib/src/...).
'use strict';
const path = require('path');

const root = path.join(__dirname, '..');

/** `loadSource('cli/main')` loads src/cli/main.ts (or lib/src/cli/main.js). */
function loadSource(modulePath) {
  let register;
  try {
    register = require('tsx/cjs/api').register;
  } catch {
    return require(path.join(root, 'lib', 'src', `${modulePath}.js`));
  }
  register();
  return require(path.join(root, 'src', `${modulePath}.ts`));
}

module.exports = { loadSource };
