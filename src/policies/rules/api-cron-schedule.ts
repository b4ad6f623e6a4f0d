import { validateCronSchedule, validateTimeZone } from '../../core/schedule';
import { defineRule } from '../rule';
import { fromValidator, obj } from './util';

/** CronJob schedules and time zones, as the API server parses them. */
export default defineRule({
  id: 'api-cron-schedule',
  severity: 'error',
  category: 'api',
  rationale: 'The API server rejects CronJob schedules it cannot parse and unknown time zones.',
  kinds: ['CronJob'],
  check(o, report) {
    const spec = obj(o.manifest.spec);
    if (spec.schedule === undefined) {
      report({ field: 'spec.schedule', message: 'is required', fix: "set a schedule such as '0 3 * * *' (03:00 every day)" });
    } else {
      const issue = fromValidator('spec.schedule', () => validateCronSchedule(spec.schedule, { prop: 'spec.schedule' }));
      if (issue) report(issue);
    }
    if (spec.timeZone !== undefined) {
      const issue = fromValidator('spec.timeZone', () => validateTimeZone(spec.timeZone, { prop: 'spec.timeZone' }));
      if (issue) report(issue);
    }
  },
});
