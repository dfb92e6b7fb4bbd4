import type PocketBase from "pocketbase";
import { guestClient, pb } from "../../api/client.ts";
import type { RecordJSON } from "../../api/wire.ts";

/** How long a "view as" session lasts before the table asks to choose the user again. */
const viewAsSeconds = 3600;

/** Seeing the records as one of the app's users: a client signed in as them, through impersonation. */
export interface ViewAs {
  client: PocketBase;
  user: RecordJSON;
  collectionName: string;
}

/**
 * startViewAs impersonates a user (a superuser may get a token for any auth record) and returns a client of
 * its own signed in with that token, so lists through it answer as the user's API rules allow. The
 * superuser's own session is left as it is.
 */
export async function startViewAs(collectionName: string, user: RecordJSON): Promise<ViewAs> {
  const impersonated = await pb.collection(collectionName).impersonate(user.id, viewAsSeconds, { requestKey: null });
  const client = guestClient();
  client.authStore.save(impersonated.authStore.token, impersonated.authStore.record);
  return { client, user: impersonated.authStore.record ?? user, collectionName };
}

/** stopViewAs ends a "view as" session: its requests and its realtime connection. */
export function stopViewAs(viewAs: ViewAs): void {
  viewAs.client.cancelAllRequests();
  void viewAs.client.realtime.unsubscribe().catch(() => {});
  viewAs.client.authStore.clear();
}
