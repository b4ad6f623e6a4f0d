import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker, WorkerProps } from '../../src/constructs/worker';
import { TimonelError } from '../../src/core/errors';
import { ConfigSource } from '../../src/workload/config-source';
import { ConfigExposure } from '../../src/workload/workload';
import { findObject, synth } from '../../src/testing';
import { expectValidManifests } from '../support/schema';
import { newChart } from '../support/util';

const IMAGE = 'ghcr.io/acme/orders-worker:2.0.1';
const CHECKSUM = 'timonel.dev/config-checksum';
const PNG_BYTES = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00];
const PNG = new Uint8Array(PNG_BYTES);
const base64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-config-'));
  fs.mkdirSync(path.join(dir, 'conf'));
  fs.writeFileSync(path.join(dir, 'conf', 'worker.yaml'), 'batch: 10\n');
  fs.writeFileSync(path.join(dir, 'conf', 'logging.ini'), '[root]\nlevel=INFO\n');
  fs.writeFileSync(path.join(dir, 'conf', 'logo.png'), PNG);
  fs.mkdirSync(path.join(dir, 'conf', 'nested'));
  fs.writeFileSync(path.join(dir, 'conf', 'nested', 'ignored.txt'), 'x');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function render(props: Partial<WorkerProps>): any[] {
  const chart = newChart('shop', { namespace: 'shop' });
  new Worker(chart, 'orders', { image: IMAGE, configAs: ConfigExposure.FILES, ...props });
  return synth(chart);
}

const checksumOf = (objs: any[]) => findObject(objs, 'Deployment').spec.template.metadata.annotations[CHECKSUM];

describe('ConfigSource', () => {
  test('fromDirectory: every regular file by name, text as data and the rest as binaryData; subdirectories skipped', () => {
    const cm = findObject(render({ configFrom: [ConfigSource.fromDirectory(path.join(dir, 'conf'))] }), 'ConfigMap');
    expect(cm.data).toEqual({ 'logging.ini': '[root]\nlevel=INFO\n', 'worker.yaml': 'batch: 10\n' });
    expect(cm.binaryData).toEqual({ 'logo.png': base64(PNG_BYTES) });
  });

  test('fromFile with and without a key, beside literal config; the object validates against the schema', () => {
    const objs = render({
      config: { MODE: 'batch' },
      configFrom: [ConfigSource.fromFile(path.join(dir, 'conf', 'worker.yaml')), ConfigSource.fromFile(path.join(dir, 'conf', 'logging.ini'), 'log.ini')],
    });
    expect(findObject(objs, 'ConfigMap').data).toEqual({ 'MODE': 'batch', 'log.ini': '[root]\nlevel=INFO\n', 'worker.yaml': 'batch: 10\n' });
    expectValidManifests(objs);
  });

  test('fromBinary: bytes as binaryData', () => {
    const cm = findObject(render({ configFrom: [ConfigSource.fromBinary('keystore.p12', PNG)] }), 'ConfigMap');
    expect(cm.binaryData).toEqual({ 'keystore.p12': base64(PNG_BYTES) });
    expect(cm.data).toEqual({});
  });

  test('a changed file rolls the pods: the checksum covers text and binary content', () => {
    const src = () => [ConfigSource.fromDirectory(path.join(dir, 'conf'))];
    const before = checksumOf(render({ configFrom: src() }));
    expect(checksumOf(render({ configFrom: src() }))).toBe(before);
    fs.writeFileSync(path.join(dir, 'conf', 'worker.yaml'), 'batch: 20\n');
    const afterText = checksumOf(render({ configFrom: src() }));
    expect(afterText).not.toBe(before);
    fs.writeFileSync(path.join(dir, 'conf', 'logo.png'), new Uint8Array([...PNG_BYTES, 0xfe]));
    expect(checksumOf(render({ configFrom: src() }))).not.toBe(afterText);
  });

  test('text files can be env with ConfigExposure.ENV', () => {
    fs.writeFileSync(path.join(dir, 'QUEUE'), 'orders');
    const objs = render({ configAs: ConfigExposure.ENV, configFrom: [ConfigSource.fromFile(path.join(dir, 'QUEUE'))] });
    expect(findObject(objs, 'ConfigMap').data).toEqual({ QUEUE: 'orders' });
  });
});

describe('ConfigSource bad input', () => {
  const build = (props: () => Partial<WorkerProps>) => () => new Worker(newChart('shop'), 'orders', { image: IMAGE, configAs: ConfigExposure.FILES, ...props() });

  test.each<[string, () => Partial<WorkerProps>, RegExp]>([
    ['a file does not exist', () => ({ configFrom: [ConfigSource.fromFile(path.join(dir, 'nope.yaml'))] }), /\[shop\/orders\] 'configFrom\[0\]' names a path that does not exist, got '.*nope\.yaml'/],
    ['fromFile gets a directory', () => ({ configFrom: [ConfigSource.fromFile(path.join(dir, 'conf'))] }), /'configFrom\[0\]' is not a regular file, got .*Fix: use ConfigSource\.fromDirectory/],
    ['fromDirectory gets a file', () => ({ configFrom: [ConfigSource.fromDirectory(path.join(dir, 'conf', 'worker.yaml'))] }), /'configFrom\[0\]' is not a directory/],
    ['a key repeats', () => ({ config: { 'worker.yaml': 'x' }, configFrom: [ConfigSource.fromFile(path.join(dir, 'conf', 'worker.yaml'))] }), /'configFrom\[0\]' repeats the key 'worker\.yaml' \(already from config\)/],
    ['a key given to fromFile is not a valid key', () => ({ configFrom: [ConfigSource.fromFile(path.join(dir, 'conf', 'worker.yaml'), 'my config')] }), /^\[ConfigSource\.fromFile\] 'key' is not a valid ConfigMap key, got 'my config'\..*Fix: write 'my-config'$/],
    ['a file name is not a valid key', () => {
      fs.writeFileSync(path.join(dir, 'my config.yaml'), 'x: 1\n');
      return { configFrom: [ConfigSource.fromFile(path.join(dir, 'my config.yaml'))] };
    }, /'configFrom\[0\]' has an invalid key, got 'my config\.yaml'.*Fix: rename the file, or pass a key/],
    ['binary content is exposed as env', () => ({ configAs: ConfigExposure.ENV, configFrom: [ConfigSource.fromBinary('LOGO', PNG)] }), /'configFrom\[0\]' has binary content under 'LOGO', which cannot become an environment variable.*Fix: mount the config as files/],
    ['the data is over 1 MiB', () => ({ configFrom: [ConfigSource.fromBinary('big.bin', new Uint8Array(1024 * 1024))] }), /'configFrom' totals 1048583 bytes, over the ConfigMap limit of 1048576 bytes \(1 MiB\)/],
  ])('fails when %s', (_what, props, message) => {
    expect(build(props)).toThrow(message);
    expect(build(props)).toThrow(TimonelError);
  });

  test("fails when fromBinary's key is not a valid key (the fix was about a file), and the fix's key is written", () => {
    expect(() => ConfigSource.fromBinary('bad key!', PNG)).toThrow(
      "[ConfigSource.fromBinary] 'key' is not a valid ConfigMap key, got 'bad key!'. Allowed: letters, digits, '-', '_' and '.', at most 253 characters; not '.' or '..', and not starting with '..'. Fix: write 'bad-key'",
    );
    const cm = findObject(render({ configAs: ConfigExposure.FILES, configFrom: [ConfigSource.fromBinary('bad-key', PNG)] }), 'ConfigMap');
    expect(cm.binaryData).toEqual({ 'bad-key': base64(PNG_BYTES) });
  });

  test('fails when fromBinary gets no bytes, showing the value given (it showed its type name as the value)', () => {
    expect(() => ConfigSource.fromBinary('logo.png', 'not bytes' as any)).toThrow(
      "[ConfigSource.fromBinary] 'data' must be a Buffer or Uint8Array, but is a string, got 'not bytes'. Allowed: a Buffer or Uint8Array. "
      + "Fix: pass the bytes, e.g. fs.readFileSync('logo.png'); text goes in config, or ConfigSource.fromFile for a text file",
    );
    expect(() => (ConfigSource.fromBinary as any)()).toThrow(
      "[ConfigSource.fromBinary] has 2 invalid props:\n"
      + "  'key' is required, got undefined. Allowed: letters, digits, '-', '_' and '.', at most 253 characters; not '.' or '..', and not starting with '..'. Fix: pass it: ConfigSource.fromBinary('logo.png', fs.readFileSync('logo.png'))\n"
      + "  'data' is required, got undefined. Allowed: a Buffer or Uint8Array. Fix: pass it: ConfigSource.fromBinary('logo.png', fs.readFileSync('logo.png'))",
    );
    const logo = path.join(dir, 'conf', 'logo.png');
    const cm = findObject(render({ configAs: ConfigExposure.FILES, configFrom: [ConfigSource.fromBinary('logo.png', fs.readFileSync(logo))] }), 'ConfigMap');
    expect(cm.binaryData).toEqual({ 'logo.png': base64(PNG_BYTES) });
  });

  test('fails when a config key is also an env var (configAs ENV: the env value shadowed the ConfigMap)', () => {
    const env = (props: Partial<WorkerProps>) => () => new Worker(newChart('shop'), 'orders', { image: IMAGE, ...props });
    expect(env({ config: { FOO: 'from-config' }, env: { FOO: 'from-env' } })).toThrow(
      /^\[shop\/orders\] 'config' defines the variable 'FOO' through the ConfigMap \(envFrom\), which 'env' also defines: the 'env' value would silently win, got 'FOO'\. Allowed: each variable name once per container\. Fix: define 'FOO' in one place: remove it from 'config' or from 'env', or rename it/,
    );
    expect(env({ configFrom: [ConfigSource.fromFile(path.join(dir, 'conf', 'worker.yaml'), 'BATCH')], env: { BATCH: '5' } })).toThrow(/'configFrom\[0\]' defines the variable 'BATCH' through the ConfigMap/);
    expect(() => (env({ config: { FOO: 'a' } })() as Worker).addEnv({ FOO: 'b' })).toThrow(
      /^\[shop\/orders\] 'addEnv' defines the variable 'FOO', which 'config' already defines through the ConfigMap \(envFrom\): this value would silently win, got 'FOO'\..*Fix: define 'FOO' in one place: remove it from 'addEnv' or from 'config', or rename it$/,
    );
    // As files, the config is no variable: no clash.
    expect(env({ config: { FOO: 'a' }, env: { FOO: 'b' }, configAs: ConfigExposure.FILES })).not.toThrow();
  });

  test('fails when a directory has no files (subdirectories do not count)', () => {
    fs.mkdirSync(path.join(dir, 'empty', 'sub'), { recursive: true });
    expect(build(() => ({ configFrom: [ConfigSource.fromDirectory(path.join(dir, 'empty'))] }))).toThrow(/'configFrom\[0\]' has no files, got '.*empty'/);
  });

  test.each([undefined, null, 5])('fails at the call when a path is %p, with a TimonelError', (p) => {
    expect(() => ConfigSource.fromFile(p as any)).toThrow(TimonelError);
    expect(() => ConfigSource.fromFile(p as any)).toThrow(/^\[ConfigSource\.fromFile\] 'filePath' (is required|must be a string)/);
    expect(() => ConfigSource.fromDirectory(p as any)).toThrow(/^\[ConfigSource\.fromDirectory\] 'dirPath' (is required|must be a string)/);
  });
});
