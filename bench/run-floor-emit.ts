// Benchmark child (d), the floor with timonel's serializer: as run-floor.ts, but each file written
// with `stringifyDocs` (same bytes as cdk8s `Yaml.stringify`; see src/core/yaml.ts).
import { stringifyDocs } from '../src/synth/yaml';
import { runFloor } from './floor';

runFloor(stringifyDocs);
