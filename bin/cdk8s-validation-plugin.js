// cdk8s-cli validation plugin: timonel's policy rules over `cdk8s synth` output.
// In cdk8s.yaml (the package must be a local path starting with './' or absolute):
//   validations:
//     - package: ./bin/cdk8s-validation-plugin.js
//       version: 0.1.0
//       class: TimonelValidation
//       properties:
//         profile: restricted
// Loads the TypeScript source through tsx's require hook (offline); without tsx, the
// compiled output of `npm run build` (lib/).
'use strict';
const path = require('path');

function load() {
  const root = path.join(__dirname, '..');
  let register;
  try {
    register = require('tsx/cjs/api').register;
  } catch {
    return require(path.join(root, 'lib', 'src', 'policies', 'cdk8s-plugin.js'));
  }
  register();
  return require(path.join(root, 'src', 'policies', 'cdk8s-plugin.ts'));
}

module.exports = load();
