import { durationProblem, durationSeconds, formatDuration } from '../../src/core/duration';

describe('durations', () => {
  test('a Go duration with units ms, s, m, h is fine', () => {
    for (const ok of ['30s', '5m', '1h30m', '1.5h', '250ms', '0s']) expect(durationProblem(ok, 'a duration')).toBeUndefined();
  });

  test('the fix is the duration meant', () => {
    expect(durationProblem('1d', 'a duration')).toEqual({ message: 'is not a duration', fix: "write '24h'" });
    expect(durationProblem('1 hour', 'a duration')?.fix).toBe("write '1h'");
    expect(durationProblem('300', 'a duration')?.fix).toBe("write '300s'");
    expect(durationProblem('soon', 'a duration')?.fix).toBe("write a number and a unit, e.g. '5m' or '1h30m'");
  });

  test('seconds and back', () => {
    expect(durationSeconds('1h5m')).toBe(3900);
    expect(formatDuration(3900)).toBe('1h5m');
    expect(formatDuration(0)).toBe('0s');
  });
});
