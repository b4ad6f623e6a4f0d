import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { withCallScope } from '../../src/core/call-scope';
import { TimonelError } from '../../src/core/errors';
import { DEFAULTS } from '../../src/core/defaults';
import { CRON_MACROS, validateCronSchedule, validateTimeZone } from '../../src/core/schedule';

describe('validateCronSchedule', () => {
  test.each([
    '*/15 * * * *',
    '0 3 * * 1-5',
    '30 2 1,15 * *',
    '0 0 * JAN,JUL MON-FRI',
    '0 0 * jan-mar sun',
    '0 */2 * * *',
    '5-59/10 * * * *',
    '5/10 * * * *',
    '0 0 ? * SUN',
    '0 0 * * 0',
    '59 23 31 12 6',
    '0 0 1 */3 *',
    '*/59 * * * *',
    '0 2 29 2 *', // leap years
    '0 2 31 2 MON', // day-of-week given too: runs on Mondays in February
    '0 2 30,31 2,3 *',
    '0 2 15/20 * *',
  ])('accepts %s', (schedule) => {
    expect(validateCronSchedule(schedule)).toBe(schedule);
  });

  test.each(CRON_MACROS.map((m) => [m]))('accepts the macro %s', (macro) => {
    expect(validateCronSchedule(macro)).toBe(macro);
  });

  test('accepts @daily and @hourly', () => {
    expect(validateCronSchedule('@daily')).toBe('@daily');
    expect(validateCronSchedule('@hourly')).toBe('@hourly');
  });

  test('trims and collapses whitespace', () => {
    expect(validateCronSchedule('  0   3 *\t* 1-5 ')).toBe('0 3 * * 1-5');
    expect(validateCronSchedule(' @weekly ')).toBe('@weekly');
  });

  test('fails when the minute is out of range, naming the field, token, schedule and range', () => {
    expect(() => validateCronSchedule('61 * * * *'))
      .toThrow("'schedule' field 1 (minute) '61' is out of range, got '61 * * * *'. Allowed: 0-59. Fix: use a minute from 0 to 59");
  });

  test('fails when the message carries the construct path and a custom prop', () => {
    const chart = new Chart(new App(), 'shop');
    const job = new Construct(chart, 'report');
    expect(() => validateCronSchedule('61 * * * *', { scope: job, prop: 'backup.schedule' }))
      .toThrow(/^\[shop\/report\] 'backup\.schedule' field 1 \(minute\) '61' is out of range/);
  });

  test('fails with a TimonelError that carries prop, value and allowed', () => {
    let error: unknown;
    try {
      validateCronSchedule('0 24 * * *');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TimonelError);
    expect((error as TimonelError).prop).toBe('schedule');
    expect((error as TimonelError).value).toBe('0 24 * * *');
    expect((error as TimonelError).allowed).toBe('0-23');
  });

  test.each([
    ['0 2 31 2 *', "no month in '2' (FEB) has day 31", 29],
    ['0 2 30 FEB *', "no month in 'FEB' (FEB) has day 30", 29],
    ['0 2 31 4,6 ?', "no month in '4,6' (APR,JUN) has day 31", 30],
    ['0 2 31 2-6/2 *', "no month in '2-6/2' (FEB,APR,JUN) has day 31", 30],
  ])('fails when %s never runs', (schedule, message, longest) => {
    expect(() => validateCronSchedule(schedule)).toThrow(`'schedule' never runs: ${message}, got '${schedule}'`);
    expect(() => validateCronSchedule(schedule)).toThrow(`Fix: use a day from 1 to ${longest} `);
  });

  test('fails when there are only four fields', () => {
    expect(() => validateCronSchedule('* * * *')).toThrow(/has 4 fields; exactly five are required, got '\* \* \* \*'. Allowed: five space-separated fields 'minute hour day-of-month month day-of-week'/);
  });

  test('fails when a seconds field is given', () => {
    expect(() => validateCronSchedule('0 0 * * * *')).toThrow(/has 6 fields; a seconds field is not supported.*Fix: drop the leading seconds field: '0 \* \* \* \*'/);
  });

  test('fails when Quartz seconds and year fields are given', () => {
    expect(() => validateCronSchedule('0 0 12 * * ? 2025')).toThrow(/has 7 fields.*Fix: drop the seconds and year fields: '0 12 \* \* \?'/);
  });

  test('fails when @every is used', () => {
    expect(() => validateCronSchedule('@every 5m')).toThrow(/uses '@every'.*got '@every 5m'.*Fix: write the interval as cron fields, e\.g\. '\*\/5 \* \* \* \*'/);
    expect(() => validateCronSchedule('@every 2h')).toThrow(/e\.g\. '0 \*\/2 \* \* \*'/);
    expect(() => validateCronSchedule('@every 1h30m')).toThrow(/e\.g\. '\*\/5 \* \* \* \*'/);
  });

  test('fails when @reboot is used', () => {
    expect(() => validateCronSchedule('@reboot')).toThrow(/uses '@reboot', which has no meaning for a CronJob/);
  });

  test('fails when a macro is unknown, upper-case or followed by fields', () => {
    expect(() => validateCronSchedule('@fortnightly')).toThrow(/'@fortnightly' is not a known macro.*Allowed: one of @yearly, @annually/);
    expect(() => validateCronSchedule('@DAILY')).toThrow(/macro '@DAILY' must be lowercase.*Fix: write '@daily'/);
    expect(() => validateCronSchedule('@daily 3')).toThrow(/macro '@daily' must stand alone/);
  });

  test('fails when the hour is 24', () => {
    expect(() => validateCronSchedule('0 24 * * *')).toThrow(/field 2 \(hour\) '24' is out of range, got '0 24 \* \* \*'. Allowed: 0-23. Fix: midnight is hour 0/);
  });

  test('fails when the day of the month is 0', () => {
    expect(() => validateCronSchedule('0 0 0 * *')).toThrow(/field 3 \(day-of-month\) '0' is out of range.*Allowed: 1-31. Fix: days of the month start at 1/);
  });

  test('fails when the month is 13', () => {
    expect(() => validateCronSchedule('0 0 * 13 *')).toThrow(/field 4 \(month\) '13' is out of range.*Allowed: 1-12 or JAN-DEC/);
  });

  test('fails when 7 is used for Sunday, which Kubernetes rejects', () => {
    expect(() => validateCronSchedule('0 0 * * 7')).toThrow(/field 5 \(day-of-week\) '7' is out of range.*Allowed: 0-6 or SUN-SAT \(0 is Sunday\). Fix: Kubernetes does not accept 7 for Sunday; use 0 or SUN/);
    expect(() => validateCronSchedule('0 0 * * 1-7')).toThrow(/'7' is out of range/);
  });

  test('fails when a step is zero', () => {
    expect(() => validateCronSchedule('*/0 * * * *')).toThrow(/field 1 \(minute\) step '0' in '\*\/0' must be at least 1.*Allowed: a step from 1 to 59/);
  });

  test('fails when a step is wider than the field or not a number', () => {
    expect(() => validateCronSchedule('*/60 * * * *')).toThrow(/step '60' in '\*\/60' is larger than the field.*Allowed: a step from 1 to 59/);
    expect(() => validateCronSchedule('0 0 * * */7')).toThrow(/field 5 \(day-of-week\) step '7'.*Allowed: a step from 1 to 6/);
    expect(() => validateCronSchedule('*/x * * * *')).toThrow(/step 'x' in '\*\/x' is not a whole number/);
    expect(() => validateCronSchedule('1/2/3 * * * *')).toThrow(/'1\/2\/3' has more than one '\/'/);
  });

  test('fails when a range is reversed', () => {
    expect(() => validateCronSchedule('5-1 * * * *')).toThrow(/field 1 \(minute\) range '5-1' starts after it ends, got '5-1 \* \* \* \*'.*Fix: write '1-5', or split a range that wraps around into '5-59,0-1'/);
    expect(() => validateCronSchedule('0 0 * * FRI-MON')).toThrow(/into 'FRI-SAT,SUN-MON'/);
  });

  test('fails when fields are not numbers', () => {
    expect(() => validateCronSchedule('a b c d e')).toThrow(/field 1 \(minute\) 'a' is not a number, got 'a b c d e'. Allowed: 0-59/);
    expect(() => validateCronSchedule('0 0 * FOO *')).toThrow(/field 4 \(month\) 'FOO' is not a number or a month name.*Allowed: 1-12 or JAN-DEC/);
    expect(() => validateCronSchedule('0 0 MON * *')).toThrow(/field 3 \(day-of-month\) 'MON' is a name, but names are only allowed in the month and day-of-week fields/);
    expect(() => validateCronSchedule('0 0 L * *')).toThrow(/'L' is not a number \(Quartz 'L', 'W' and '#' are not supported\)/);
  });

  test('fails when a list or range is malformed', () => {
    expect(() => validateCronSchedule('1,,2 * * * *')).toThrow(/field 1 \(minute\) '1,,2' has an empty list item/);
    expect(() => validateCronSchedule('1-2-3 * * * *')).toThrow(/'1-2-3' has more than one '-'/);
    expect(() => validateCronSchedule('5- * * * *')).toThrow(/'5-' is missing a number/);
    expect(() => validateCronSchedule('*-5 * * * *')).toThrow(/'\*-5' uses '\*' inside a range/);
  });

  test('fails when ? is used outside the day fields', () => {
    expect(() => validateCronSchedule('? * * * *')).toThrow(/field 1 \(minute\) '\?' is only allowed in the day-of-month and day-of-week fields.*Fix: use '\*'/);
  });

  test('fails when the schedule sets CRON_TZ or TZ', () => {
    expect(() => validateCronSchedule('CRON_TZ=UTC 0 * * * *')).toThrow(/sets a time zone with a TZ= or CRON_TZ= prefix.*Fix: use the timeZone prop instead: schedule '0 \* \* \* \*' with timeZone 'UTC'/);
    expect(() => validateCronSchedule('TZ=Europe/Madrid 0 3 * * *')).toThrow(/timeZone 'Europe\/Madrid'/);
  });

  test('fails when the schedule is empty', () => {
    expect(() => validateCronSchedule('')).toThrow(/'schedule' must not be empty, got ''/);
    expect(() => validateCronSchedule('   ')).toThrow(/must not be empty/);
  });
});

describe('validateTimeZone', () => {
  test('accepts the default zone of BatchJob, and UTC by both its names', () => {
    for (const tz of [DEFAULTS.batchJob.timeZone, 'UTC', 'Etc/UTC']) expect(validateTimeZone(tz)).toBe(tz);
    // The answers ICU gives for them, for the record: both are known zones.
    for (const tz of ['UTC', 'Etc/UTC']) expect(new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone).toBe('UTC');
    expect(() => validateTimeZone('utc')).toThrow(/capitalisation/);
  });

  test.each([
    'Etc/UTC',
    'UTC',
    'Europe/Madrid',
    'America/Argentina/Buenos_Aires',
    'America/New_York',
    'Asia/Kolkata',
    'Etc/GMT-2',
    'GMT',
    'US/Pacific',
  ])('accepts %s', (tz) => {
    expect(validateTimeZone(tz)).toBe(tz);
  });

  test('fails when the zone does not exist', () => {
    expect(() => validateTimeZone('Mars/Base')).toThrow(/'timeZone' is not a known IANA time zone, got 'Mars\/Base'. Allowed: an IANA time zone name/);
  });

  test('fails when the zone is misspelt, suggesting the nearest one', () => {
    expect(() => validateTimeZone('Europe/Madird')).toThrow(/is not a known IANA time zone, got 'Europe\/Madird'.*Fix: did you mean 'Europe\/Madrid'\?/);
  });

  test('fails when GMT+2 is used, suggesting Etc/GMT-2', () => {
    expect(() => validateTimeZone('GMT+2')).toThrow(/is a fixed UTC offset, not an IANA time zone name, got 'GMT\+2'.*'Etc\/GMT-2' for a fixed offset/);
  });

  test('fails when a fixed offset is used', () => {
    expect(() => validateTimeZone('+02:00')).toThrow(/is a fixed UTC offset.*'Etc\/GMT-2'/);
    expect(() => validateTimeZone('UTC-05:00')).toThrow(/is a fixed UTC offset.*'Etc\/GMT\+5'/);
    expect(() => validateTimeZone('+05:30')).toThrow(/is a fixed UTC offset.*Fix: use the region's zone \(e\.g\. 'Europe\/Madrid'\) so daylight saving time is followed$/);
  });

  test('fails when an abbreviation that is not an IANA name is used', () => {
    expect(() => validateTimeZone('PST')).toThrow(/'timeZone' is an abbreviation, not an IANA time zone name.*Fix: use the region's zone, e\.g\. 'America\/Los_Angeles'/);
    expect(() => validateTimeZone('CEST')).toThrow(/is not a known IANA time zone/);
  });

  test('fails when the capitalisation is wrong', () => {
    expect(() => validateTimeZone('europe/madrid')).toThrow(/has the wrong capitalisation.*Fix: write 'Europe\/Madrid'/);
    expect(() => validateTimeZone('utc')).toThrow(/has the wrong capitalisation.*Fix: write 'UTC'/);
    expect(() => validateTimeZone('asia/kolkata')).toThrow(/has the wrong capitalisation.*Fix: write 'Asia\/Kolkata'/);
    expect(() => validateTimeZone('ASIA/KOLKATA')).toThrow(/has the wrong capitalisation/);
  });

  test('fails when the zone is empty, Local or SystemV', () => {
    expect(() => validateTimeZone('')).toThrow(/'timeZone' must not be empty/);
    expect(() => validateTimeZone('Local')).toThrow(/Kubernetes rejects 'Local'/);
    expect(() => validateTimeZone('SystemV/EST5')).toThrow(/'SystemV\/' zone/);
    expect(() => validateTimeZone(' Europe/Madrid')).toThrow(/leading or trailing whitespace.*Fix: write 'Europe\/Madrid'/);
  });

  test('fails when a part has characters Kubernetes refuses', () => {
    expect(() => validateTimeZone('Europe/Madrid Spain')).toThrow(/is not a valid time zone name/);
  });

  test('fails when the message carries the custom prop', () => {
    expect(() => validateTimeZone('Mars/Base', { prop: 'backup.timeZone' })).toThrow(/^'backup\.timeZone' is not a known/);
  });
});

describe('what validateTimeZone remembers of ICU', () => {
  test('lasts one call: the next call asks again, a call (e.g. a policy run) asks once', () => {
    const tz = 'Pacific/Chatham';
    const spy = jest.spyOn(Intl, 'DateTimeFormat');
    const asked = () => spy.mock.calls.filter(([, o]) => o?.timeZone === tz).length;
    try {
      validateTimeZone(tz);
      validateTimeZone(tz);
      expect(asked()).toBe(2);
      withCallScope(() => [validateTimeZone(tz), validateTimeZone(tz)]);
      expect(asked()).toBe(3);
    } finally {
      spy.mockRestore();
    }
  });
});
