// Loads a module of timonel: the compiled lib/src/<module>.js of the installed package, or, in a
// checkout of the timonel repository (src/ present and tsx installed), src/<module>.ts through
// tsx, so the repo's own runs (tests, the cdk8s validation plugin) need no build.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');

/** `loadSource('cli/main')` loads lib/src/cli/main.js (or src/cli/main.ts in the repository). */
function loadSource(modulePath) {
  const source = path.join(root, 'src', `${modulePath}.ts`);
  if (fs.existsSync(source)) {
    let register;
    try {
      register = require('tsx/cjs/api').register;
    } catch {
      register = undefined;
    }
    if (register) {
      register();
      return require(source);
    }
  }
  return require(path.join(root, 'lib', 'src', `${modulePath}.js`));
}

module.exports = { loadSource };
