import { AppEvent } from "./events.ts";
import { RequestEvent } from "./request-event.ts";
import type { Settings } from "./settings-model.ts";

/** SettingsListRequestEvent fires for `GET /api/settings`; `settings` is a copy handlers may change. */
export class SettingsListRequestEvent extends RequestEvent {
  settings!: Settings;
}

/** SettingsUpdateRequestEvent fires for `PATCH /api/settings` with the settings before and after the patch. */
export class SettingsUpdateRequestEvent extends RequestEvent {
  oldSettings!: Settings;
  newSettings!: Settings;
}

/** SettingsReloadEvent fires when the app (re)loads its settings from the database. */
export class SettingsReloadEvent extends AppEvent {}
