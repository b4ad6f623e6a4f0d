import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { backgroundFileWriter, FileWriter, syncFileWriter } from '../../src/core/file-writer';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timonel-writer-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.each([
  ['syncFileWriter', syncFileWriter],
  ['backgroundFileWriter', backgroundFileWriter],
])('%s', (_name, create: (dir: string) => FileWriter) => {
  test('every file is on disk, byte for byte, when close() returns', () => {
    const files = Array.from({ length: 150 }, (_, i) => [`f${i}.k8s.yaml`, `i: ${i}\n¡¡Hola, mundo! ${'x'.repeat(i * 97)}\n`] as const);
    const writer = create(tmp);
    for (const [name, text] of files) writer.write(name, text);
    writer.close();
    expect(fs.readdirSync(tmp).length).toBe(files.length);
    for (const [name, text] of files) expect(fs.readFileSync(path.join(tmp, name), 'utf8')).toBe(text);
  });

  test('close() throws the first write error', () => {
    const writer = create(tmp);
    writer.write('a.yaml', 'a\n');
    let error: unknown;
    try {
      writer.write('missing/b.yaml', 'b\n');
      writer.write('missing/c.yaml', 'c\n');
      writer.close();
    } catch (e) {
      error = e;
    }
    expect(String(error)).toMatch(/ENOENT.*missing\/b\.yaml/);
    expect(fs.readFileSync(path.join(tmp, 'a.yaml'), 'utf8')).toBe('a\n');
  });
});

describe('backgroundFileWriter', () => {
  test('skips the files queued after a failure, and says which file failed', () => {
    const writer = backgroundFileWriter(tmp);
    writer.write('missing/a.yaml', 'a\n');
    writer.write('b.yaml', 'b\n');
    expect(() => writer.close()).toThrow(expect.objectContaining({ code: 'ENOENT', message: expect.stringContaining('missing/a.yaml') }));
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  test('refuses writes after close(); a second close() does nothing', () => {
    const writer = backgroundFileWriter(tmp);
    writer.close();
    writer.close();
    expect(() => writer.write('a.yaml', 'a\n')).toThrow(/is closed/);
  });
});
