import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { CONFIG_KEY_ALLOWED, configKeyProblem } from '../core/config-keys';
import { fail } from '../core/errors';
import { argOr, checkProps, typeName, v } from '../core/validation';

// A key given to a factory (a file name read later is checked with the construct).
const CONFIG_KEY = v.string({ nonEmpty: true, allowed: CONFIG_KEY_ALLOWED, samples: ['logo.png'], check: (k) => configKeyProblem(k, 'is not a valid ConfigMap key') });

// The factories' arguments, checked at the call; the files are read (and checked) with the construct.
const FILE_ARGS = v.object<{ filePath: string; key?: string }>()({
  filePath: v.required(v.string({ nonEmpty: true, allowed: "a file path, e.g. path.join(__dirname, 'nginx.conf')" })),
  key: CONFIG_KEY,
}, { call: () => "ConfigSource.fromFile(path.join(__dirname, 'nginx.conf'))" });
const BINARY_ARGS = v.object<{ key: string; data: Uint8Array }>()({
  key: v.required(CONFIG_KEY),
  data: v.required(v.custom<Uint8Array>('a Buffer or Uint8Array', (x) => (x instanceof Uint8Array || Buffer.isBuffer(x) ? undefined : {
    message: `must be a Buffer or Uint8Array, but is ${typeName(x)}`,
    fix: typeof x === 'string' ? 'pass the bytes, e.g. fs.readFileSync(\'logo.png\'); text goes in config, or ConfigSource.fromFile for a text file' : "pass the file's bytes, e.g. fs.readFileSync('logo.png')",
  }), () => [new Uint8Array([0x89, 0x50])])),
}, { call: (a) => `ConfigSource.fromBinary(${argOr(a.key, "'logo.png'")}, fs.readFileSync(${argOr(a.key, "'logo.png'")}))` });
const DIRECTORY_ARGS = v.object<{ dirPath: string }>()({
  dirPath: v.required(v.string({ nonEmpty: true, allowed: "a directory path, e.g. path.join(__dirname, 'config')" })),
}, { call: () => "ConfigSource.fromDirectory(path.join(__dirname, 'config'))" });

/** How `config` data reaches the container. */
export enum ConfigExposure {
  /** Every key becomes an environment variable (keys must be valid variable names). */
  ENV = 'env',
  /** Every key becomes a file under `configMountPath`. */
  FILES = 'files',
}

/** Where a ConfigMap entry comes from, when not a literal in `config`. Read when the construct is created. */
export abstract class ConfigSource {
  /**
   * One file; its key is the file name (or `key`). A file that is not valid UTF-8 becomes
   * `binaryData`, as `kubectl create configmap --from-file` does. A relative path is resolved
   * against the working directory (use `path.join(__dirname, ...)` to be independent of it).
   */
  public static fromFile(filePath: string, key?: string): ConfigSource {
    checkProps(FILE_ARGS, { filePath, key }, 'ConfigSource.fromFile');
    return new FileSource(filePath, key);
  }

  /**
   * Every regular file directly in a directory (not its subdirectories), keyed by file name,
   * in name order. Text files become `data`, others `binaryData`.
   */
  public static fromDirectory(dirPath: string): ConfigSource {
    checkProps(DIRECTORY_ARGS, { dirPath }, 'ConfigSource.fromDirectory');
    return new DirectorySource(dirPath);
  }

  /**
   * Bytes, as `binaryData` under `key`: a `Uint8Array` or a Node `Buffer` (typed structurally, so
   * that the declarations need no Node types and accept the Buffer of any `@types/node`).
   */
  public static fromBinary(key: string, data: ArrayLike<number>): ConfigSource {
    checkProps(BINARY_ARGS, { key, data }, 'ConfigSource.fromBinary');
    return new BinarySource(key, data);
  }

  /** The entries: key → text or bytes. `prop` names the source in errors. */
  public abstract read(scope: IConstruct, prop: string): ConfigEntry[];
}

/** One ConfigMap entry read from a source. */
export interface ConfigEntry {
  readonly key: string;
  /** Text, or bytes (a `Buffer` when read from a file). */
  readonly value: string | Uint8Array;
  /** The file it came from, for errors. */
  readonly from?: string;
}

class FileSource extends ConfigSource {
  constructor(private readonly filePath: string, private readonly key?: string) { super(); }

  public read(scope: IConstruct, prop: string): ConfigEntry[] {
    const file = path.resolve(this.filePath);
    const stat = statOf(scope, prop, file);
    if (!stat.isFile()) {
      fail({ scope, prop, message: 'is not a regular file', value: this.filePath, allowed: 'a path to a regular file', fix: stat.isDirectory() ? 'use ConfigSource.fromDirectory for a directory' : 'point at a file' });
    }
    return [{ key: this.key ?? path.basename(file), value: decode(fs.readFileSync(file)), from: this.filePath }];
  }
}

class DirectorySource extends ConfigSource {
  constructor(private readonly dirPath: string) { super(); }

  public read(scope: IConstruct, prop: string): ConfigEntry[] {
    const dir = path.resolve(this.dirPath);
    if (!statOf(scope, prop, dir).isDirectory()) {
      fail({ scope, prop, message: 'is not a directory', value: this.dirPath, allowed: 'a path to a directory', fix: 'use ConfigSource.fromFile for a single file' });
    }
    const names = fs.readdirSync(dir).sort();
    const entries: ConfigEntry[] = [];
    for (const name of names) {
      const file = path.join(dir, name);
      if (!fs.statSync(file).isFile()) continue;
      entries.push({ key: name, value: decode(fs.readFileSync(file)), from: path.join(this.dirPath, name) });
    }
    if (entries.length === 0) fail({ scope, prop, message: 'has no files', value: this.dirPath, allowed: 'a directory with at least one file', fix: 'add files to the directory, or drop the source' });
    return entries;
  }
}

class BinarySource extends ConfigSource {
  constructor(private readonly key: string, private readonly data: ArrayLike<number>) { super(); }

  // The key and bytes were checked by fromBinary.
  public read(): ConfigEntry[] {
    return [{ key: this.key, value: Uint8Array.from(this.data as Uint8Array) }];
  }
}

function statOf(scope: IConstruct, prop: string, p: string): fs.Stats {
  try {
    return fs.statSync(p);
  } catch {
    return fail({ scope, prop, message: 'names a path that does not exist', value: p, allowed: 'a path that exists, absolute or relative to the working directory', fix: 'paths are resolved against the working directory; build them from __dirname' });
  }
}

// Text stays text when it is valid UTF-8 (and round-trips); anything else is binary.
function decode(bytes: Buffer): string | Uint8Array {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes as unknown as Uint8Array) ? text : (bytes as unknown as Uint8Array);
}
