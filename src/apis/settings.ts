import type { Hono } from "hono";
import type { RequestEvent } from "../core/request-event.ts";
import { decodeSettingsPatch, SettingsDecodeError } from "../core/settings-decode.ts";
import { SettingsListRequestEvent, SettingsUpdateRequestEvent } from "../core/settings-events.ts";
import { cloneSettings, publicSettings } from "../core/settings-model.ts";
import { TestEmailSend } from "../forms/test-email-send.ts";
import { TestS3Filesystem } from "../forms/test-s3-filesystem.ts";
import { ApiError, badRequest } from "../tools/router/api-error.ts";
import { MalformedBodyError, UnsupportedContentTypeError } from "../tools/router/body.ts";
import { ValidationErrors } from "../tools/validation/validation.ts";
import type { RouterEnv } from "./middlewares.ts";
import { requireSuperuser } from "./middlewares-auth.ts";
import { loadFailedMessage, readForm } from "./record-auth-helpers.ts";
import { route } from "./route.ts";

/** bindSettingsApi registers the superuser-only settings endpoints. */
export function bindSettingsApi(router: Hono<RouterEnv>): void {
  router.get("/api/settings", requireSuperuser, route(settingsList));
  router.patch("/api/settings", requireSuperuser, route(settingsSet));
  router.post("/api/settings/test/s3", requireSuperuser, route(settingsTestS3));
  router.post("/api/settings/test/email", requireSuperuser, route(settingsTestEmail));
}

async function settingsList(e: RequestEvent): Promise<Response | null> {
  const event = e.derive(SettingsListRequestEvent);
  event.settings = cloneSettings(e.app.settings());
  await e.app.hooks.get("onSettingsListRequest").trigger(event, async (ev) => {
    ev.json(200, publicSettings(ev.settings));
  });
  return event.response;
}

/** settingsSet merges the body onto the current settings (as Go decodes JSON into them), then saves. */
async function settingsSet(e: RequestEvent): Promise<Response | null> {
  const event = e.derive(SettingsUpdateRequestEvent);
  event.oldSettings = cloneSettings(e.app.settings());
  event.newSettings = cloneSettings(e.app.settings());
  if (e.request.headers.get("content-length") !== "0") {
    try {
      const { data } = await e.body();
      event.newSettings = decodeSettingsPatch(event.newSettings, data);
    } catch (err) {
      if (err instanceof SettingsDecodeError) throw badRequest(loadFailedMessage, err);
      if (err instanceof ApiError && err.raw instanceof UnsupportedContentTypeError) throw err;
      if (err instanceof ApiError && err.raw instanceof MalformedBodyError)
        throw badRequest(loadFailedMessage, err.raw);
      throw err;
    }
  }
  await e.app.hooks.get("onSettingsUpdateRequest").trigger(event, async (ev) => {
    await ev.app.saveSettings(ev.newSettings).catch((err: unknown) => {
      throw badRequest("An error occurred while saving the new settings.", err);
    });
    ev.json(200, publicSettings(ev.app.settings()));
  });
  return event.response;
}

/** settingsTestEmail sends a sample of one of an auth collection's emails. */
async function settingsTestEmail(e: RequestEvent): Promise<Response | null> {
  const body = await readForm(e, { email: "string", template: "string", collection: "string" });
  const form = new TestEmailSend(e.app);
  Object.assign(form, body);
  try {
    await form.submit();
  } catch (err) {
    if (err instanceof ValidationErrors) throw badRequest("Failed to send the test email.", err);
    const reason = err instanceof Error ? err.message : String(err);
    throw badRequest(`Failed to send the test email. Raw error: \n${reason}`);
  }
  return e.noContent();
}

/** settingsTestS3 checks that the storage's or the backups' S3 bucket can be written, listed and cleaned. */
async function settingsTestS3(e: RequestEvent): Promise<Response | null> {
  const body = await readForm(e, { filesystem: "string" });
  const form = new TestS3Filesystem(e.app);
  Object.assign(form, body);
  try {
    await form.submit();
  } catch (err) {
    if (err instanceof ValidationErrors) throw badRequest("Failed to test the S3 filesystem.", err);
    const reason = err instanceof Error ? err.message : String(err);
    throw badRequest(`Failed to test the S3 filesystem. Raw error: \n${reason}`);
  }
  return e.noContent();
}
