import type { Hono } from "hono";
import type { RequestEvent } from "../core/request-event.ts";
import type { CronJob } from "../tools/cron/cron.ts";
import { notFound } from "../tools/router/api-error.ts";
import type { RouterEnv } from "./middlewares.ts";
import { requireSuperuser } from "./middlewares-auth.ts";
import { route } from "./route.ts";

/** bindCronApi registers the superuser-only cron endpoints: the jobs list, and running a job now. */
export function bindCronApi(router: Hono<RouterEnv>): void {
  router.get("/api/crons", requireSuperuser, route(cronsList));
  router.post("/api/crons/:id", requireSuperuser, route(cronRun));
}

const isSystemJob = (job: CronJob) => job.id.startsWith("__pb");

/** cronsList answers `[{id, expression}]`: the app's jobs by id, then the system (`__pb*`) ones as registered. */
async function cronsList(e: RequestEvent): Promise<Response> {
  const jobs = e.app.cron().jobs();
  const own = jobs.filter((j) => !isSystemJob(j)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return e.json(200, [...own, ...jobs.filter(isSystemJob)]);
}

/** cronRun starts the job in the background and answers at once (204); an unknown id is a 404. */
async function cronRun(e: RequestEvent): Promise<Response> {
  const job = e.app
    .cron()
    .jobs()
    .find((j) => j.id === e.params.id);
  if (!job) throw notFound("Missing or invalid cron job");
  void job.run();
  return e.noContent();
}
