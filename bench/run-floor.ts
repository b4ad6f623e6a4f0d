// Benchmark child (c), the floor: the exact documents timonel writes, loaded from JSON, serialized
// with the same YAML library (cdk8s `Yaml.stringify`, which uses `yaml`), one file per chart.
import { Yaml } from 'cdk8s';
import { runFloor } from './floor';

runFloor((docs) => Yaml.stringify(...docs));
