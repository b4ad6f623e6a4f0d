#!/usr/bin/env node
// Adds lock entries for optional, platform-specific binaries (e.g. @swc/core-darwin-arm64) that
// the npm registry mirror of our build machines does not serve: npm then leaves them out of
// package-lock.json and `npm ci` refuses the lock as out of sync. The entries carry the os/cpu
// that npm uses to skip them on other platforms, so they are never fetched here.
// Run after any `npm install` that rewrites the lock: node .ci/lock-optional-platforms.js
const fs = require('fs');
const path = require('path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const pkgs = lock.packages;
const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPU = ['arm64', 'x64', 'ia32', 'ppc64', 's390x', 'loong64', 'riscv64', 'arm', 'mips64el', 'wasm32'];

function platformOf(name) {
  const tokens = name.split('/').pop().split('-');
  const os = tokens.find((t) => OS.includes(t));
  const cpu = tokens.find((t) => CPU.includes(t));
  return os && cpu ? { os, cpu } : undefined;
}

let added = 0;
for (const [where, meta] of Object.entries(pkgs)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    const nested = `${where}/node_modules/${dep}`;
    if (pkgs[key] || pkgs[nested]) continue;
    const p = platformOf(dep);
    if (!p || !/^\d+\.\d+\.\d+/.test(version)) continue;
    pkgs[key] = { version, dev: meta.dev || undefined, optional: true, os: [p.os], cpu: [p.cpu] };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`lock: ${added} optional platform entries added`);
