import { mount } from "svelte";
import App from "./App.svelte";
import { routes } from "./routes.ts";
import { matchPath, parseHash } from "./state/route-match.ts";
import "./styles/app.css";

// start fetching the first screen's code now, rather than once the app has mounted
const first = routes.find((r) => matchPath(r.path, parseHash(window.location.hash).path));
first?.load().catch(() => {});

const target = document.getElementById("app");
if (!target) throw new Error("the page has no #app element");
mount(App, { target });
