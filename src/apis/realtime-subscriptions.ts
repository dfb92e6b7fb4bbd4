import type { RequestEvent } from "../core/request-event.ts";
import { ApiError, badRequest } from "../tools/router/api-error.ts";
import { castString } from "../tools/types/cast.ts";
import {
  each,
  length,
  type Rule,
  required,
  ValidationError,
  ValidationErrors,
  validate,
  validateObject,
} from "../tools/validation/validation.ts";

/** How many subscriptions a client may hold, and how long each may be (PocketBase's limits). */
export const maxSubscriptions = 1000;
export const maxSubscriptionLength = 2500;

export const subscriptionListRules: Rule[] = [length(0, maxSubscriptions), each(length(0, maxSubscriptionLength))];

/** The body of `POST /api/realtime`. */
export interface SubscribeForm {
  clientId: string;
  subscriptions: string[];
}

/**
 * readSubscribeForm reads and validates `{clientId, subscriptions}`. A JSON body must have the right types
 * (a wrong one is the generic 400, as Go's decoder fails); form bodies are read as text. `null` items count
 * as empty strings, which are ignored later.
 */
export async function readSubscribeForm(e: RequestEvent): Promise<SubscribeForm> {
  let data: Record<string, unknown>;
  try {
    data = (await e.body()).data;
  } catch (err) {
    if (err instanceof ApiError && err.status === 413) throw err;
    throw badRequest("", err);
  }
  const isJson = (e.request.headers.get("content-type") ?? "").toLowerCase().startsWith("application/json");
  const form = isJson ? fromJson(data) : fromForm(data);
  validateObject(form as unknown as Record<string, unknown>, {
    clientId: [required, length(1, 255)],
    subscriptions: subscriptionListRules,
  }).throwIfAny();
  return form;
}

function fromJson(data: Record<string, unknown>): SubscribeForm {
  const { clientId, subscriptions } = data;
  if (clientId !== undefined && clientId !== null && typeof clientId !== "string") throw badRequest("");
  if (subscriptions !== undefined && subscriptions !== null) {
    if (!Array.isArray(subscriptions) || subscriptions.some((s) => s !== null && typeof s !== "string"))
      throw badRequest("");
  }
  return {
    clientId: clientId ?? "",
    subscriptions: ((subscriptions as (string | null)[] | null | undefined) ?? []).map((s) => s ?? ""),
  };
}

function fromForm(data: Record<string, unknown>): SubscribeForm {
  const first = (v: unknown) => castString(Array.isArray(v) ? v[0] : v);
  const subs = data.subscriptions;
  const list = subs === undefined || subs === null ? [] : Array.isArray(subs) ? subs : [subs];
  return { clientId: first(data.clientId), subscriptions: list.map(castString) };
}

/** validateTopics checks a WebSocket message's topics with the same limits; a subscribe needs at least one. */
export function validateTopics(value: unknown, needOne: boolean): string[] {
  if (value === undefined || value === null) value = [];
  if (!Array.isArray(value) || value.some((t) => typeof t !== "string"))
    throw badRequest(
      "",
      new ValidationErrors({ topics: new ValidationError("validation_invalid_value", "must be a list of strings") }),
    );
  const rules = needOne ? [required, ...subscriptionListRules] : subscriptionListRules;
  const err = validate(value, ...rules);
  if (err) throw badRequest("", new ValidationErrors({ topics: err }));
  return value as string[];
}
