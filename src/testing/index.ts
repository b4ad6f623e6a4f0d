// timonel/testing: synthesize to objects, find them, and jest matchers (`import 'timonel/testing/jest'`).
export { findObject, findObjects, podSpecOf, policySubjects, synth } from './synth';
export type { SynthOptions } from './synth';
export { timonelMatchers } from './matchers';
export type { MatcherResult, Synthesizable, TimonelMatchers, TrafficEnd, TrafficMatcherOptions } from './matchers';
