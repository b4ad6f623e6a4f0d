#!/usr/bin/env node
// timonel CLI: `timonel check <dir|file>...` runs the policy rules over any Kubernetes YAML.
'use strict';
const { loadSource } = require('./load-source');

loadSource('cli/main').main();
