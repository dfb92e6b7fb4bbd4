import { Cron as Croner, type CronOptions as CronerOptions, CronPattern } from "croner";
import { CronExpressionError, type CronSchedule, parseCronExpression } from "./schedule.ts";

/** The work of a job; it may be async. */
export type CronJobFunc = () => void | Promise<void>;

/** How a job's failure is reported (a failure never stops the job's later runs). */
export type CronErrorHandler = (jobId: string, err: unknown) => void;

/** A job as `GET /api/crons` lists it. */
export interface CronJobInfo {
  id: string;
  expression: string;
}

/** CronJob is one registered job. */
export class CronJob {
  readonly id: string;
  readonly schedule: CronSchedule;
  readonly #fn: CronJobFunc;
  readonly #onError: CronErrorHandler;

  constructor(id: string, schedule: CronSchedule, fn: CronJobFunc, onError: CronErrorHandler) {
    this.id = id;
    this.schedule = schedule;
    this.#fn = fn;
    this.#onError = onError;
  }

  /** The expression as PocketBase lists it (a macro shows the five fields it stands for). */
  get expression(): string {
    return this.schedule.expression;
  }

  /** run runs the job once, now; a failure goes to the scheduler's error handler and is never thrown. */
  async run(): Promise<void> {
    try {
      await this.#fn();
    } catch (err) {
      this.#onError(this.id, err);
    }
  }

  toJSON(): CronJobInfo {
    return { id: this.id, expression: this.expression };
  }
}

export interface CronOptions {
  /** Called when a job throws (default: nothing). */
  onError?: CronErrorHandler;
}

/**
 * Cron is a crontab of jobs identified by id, with PocketBase's expression syntax (see parseCronExpression)
 * and its semantics: minute precision, UTC unless setTimezone says otherwise, a day must match both the day
 * of the month and the day of the week fields, and a job still running when it is due again runs again
 * beside it. Jobs can be added and removed at any time; they only run on schedule between start() and stop().
 * The timing is croner's: each job waits for its own next minute.
 */
export class Cron {
  #jobs: CronJob[] = [];
  readonly #timers = new Map<CronJob, Croner>();
  readonly #onError: CronErrorHandler;
  #timezone: string | undefined;
  #started = false;

  constructor(options: CronOptions = {}) {
    this.#onError = options.onError ?? (() => {});
  }

  /**
   * add registers a job, replacing (and moving to the end of the list) the job with the same id, so a job
   * follows its settings by being added again when they change (PocketBase's `__pbAutoBackup__` on each
   * settings reload, removed when `backups.cron` is empty). An invalid expression throws a
   * CronExpressionError: "failed to add new cron job: " and PocketBase's reason, and changes nothing.
   */
  add(id: string, expression: string, fn: CronJobFunc): void {
    if (typeof fn !== "function") throw new TypeError("failed to add new cron job: fn must be non-nil function");
    let schedule: CronSchedule;
    try {
      schedule = parseCronExpression(expression);
    } catch (err) {
      if (err instanceof CronExpressionError) {
        throw new CronExpressionError(`failed to add new cron job: ${err.message}`);
      }
      throw err;
    }
    // croner must take what PocketBase's parser took: better to know here than when the jobs start
    new CronPattern(cronerPattern(schedule), undefined, { mode: "5-part" });
    this.remove(id);
    const job = new CronJob(id, schedule, fn, this.#onError);
    this.#jobs.push(job);
    if (this.#started) this.#schedule(job);
  }

  /** remove unregisters the job with that id (nothing happens when there is none). */
  remove(id: string): void {
    this.#jobs = this.#jobs.filter((job) => {
      if (job.id !== id) return true;
      this.#unschedule(job);
      return false;
    });
  }

  removeAll(): void {
    for (const job of this.#jobs) this.#unschedule(job);
    this.#jobs = [];
  }

  /** total is the number of registered jobs. */
  total(): number {
    return this.#jobs.length;
  }

  /** jobs lists the registered jobs in the order they were added (a copy of the list). */
  jobs(): CronJob[] {
    return [...this.#jobs];
  }

  /** start runs the jobs on schedule from now on (restarting them when already started). */
  start(): void {
    this.stop();
    this.#started = true;
    for (const job of this.#jobs) this.#schedule(job);
  }

  /** stop stops running jobs on schedule (a run in progress finishes); start() resumes. */
  stop(): void {
    this.#started = false;
    for (const job of this.#jobs) this.#unschedule(job);
  }

  hasStarted(): boolean {
    return this.#started;
  }

  /** setTimezone reads the expressions in an IANA time zone (e.g. "Europe/Paris") instead of UTC. */
  setTimezone(name: string): void {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: name });
    } catch {
      throw new RangeError(`unknown time zone ${JSON.stringify(name)}`);
    }
    this.#timezone = name;
    if (this.#started) this.start();
  }

  #schedule(job: CronJob): void {
    const options: CronerOptions = {
      // croner reads the same fields the same way once told to: five of them, and a day matching both
      mode: "5-part",
      domAndDow: true,
      // the scheduler must not keep the process alive on its own
      unref: true,
      ...(this.#timezone === undefined ? { utcOffset: 0 } : { timezone: this.#timezone }),
    };
    this.#timers.set(job, new Croner(cronerPattern(job.schedule), options, () => job.run()));
  }

  #unschedule(job: CronJob): void {
    this.#timers.get(job)?.stop();
    this.#timers.delete(job);
  }
}

/**
 * cronerPattern writes a schedule as croner's pattern listing every value of each field: croner accepts
 * more syntax than PocketBase (and refuses some PocketBase takes, like `+5`), so it is only ever given the
 * values PocketBase's parser found.
 */
function cronerPattern(schedule: CronSchedule): string {
  return schedule.fields.map((values) => values.join(",")).join(" ");
}
