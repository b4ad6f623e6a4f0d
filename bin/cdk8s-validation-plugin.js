// cdk8s-cli validation plugin: timonel's policy rules over `cdk8s synth` output.
// In cdk8s.yaml (the package must be a local path starting with './' or absolute):
//   validations:
//     - package: ./bin/cdk8s-validation-plugin.js
//       version: 0.1.0
//       class: TimonelValidation
//       properties:
//         profile: restricted
'use strict';
const { loadSource } = require('./load-source');

module.exports = loadSource('cli/cdk8s-plugin');
