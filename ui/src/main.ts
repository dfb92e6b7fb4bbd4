import { mount } from "svelte";
import App from "./App.svelte";
import { routes } from "./routes.ts";
import { appSettings } from "./state/app-settings.svelte.ts";
import { matchPath, parseHash } from "./state/route-match.ts";
import { session } from "./state/session.svelte.ts";
import "./styles/app.css";

// start fetching the first screen's code and, for a superuser, the settings now, rather than once the app
// has mounted (App.svelte asks again and shares these, and shows their errors)
const first = routes.find((r) => matchPath(r.path, parseHash(window.location.hash).path));
first?.load().catch(() => {});
if (session.isSignedIn) appSettings.fetch().catch(() => {});

const target = document.getElementById("app");
if (!target) throw new Error("the page has no #app element");
mount(App, { target });
