import * as path from 'path';
import { ownPackage, ownPackageFile } from '../../src/cli/own-package';

const ROOT = path.join(__dirname, '../..');

describe("timonel's own package.json", () => {
  test('is found from src/cli (a checkout) and from lib/src/cli (the installed build) alike', () => {
    expect(ownPackageFile(path.join(ROOT, 'src', 'cli'))).toBe(path.join(ROOT, 'package.json'));
    expect(ownPackageFile(path.join(ROOT, 'lib', 'src', 'cli'))).toBe(path.join(ROOT, 'package.json'));
    expect(ownPackage(path.join(ROOT, 'lib', 'src', 'cli')).name).toBe('timonel');
  });
});
