export type ThemeChoice = "system" | "light" | "dark";

const storageKey = "satchel.theme";
const darkQuery = window.matchMedia("(prefers-color-scheme: dark)");

function storedChoice(): ThemeChoice {
  const stored = localStorage.getItem(storageKey);
  return stored === "light" || stored === "dark" ? stored : "system";
}

/**
 * The colour theme: the system's until the user picks one, which is remembered in this browser. The
 * stylesheet reads `data-theme` on the root element.
 */
class Theme {
  choice = $state<ThemeChoice>(storedChoice());
  #systemDark = $state(darkQuery.matches);

  constructor() {
    darkQuery.addEventListener("change", (e) => {
      this.#systemDark = e.matches;
    });
    this.#apply();
  }

  get isDark(): boolean {
    return this.choice === "dark" || (this.choice === "system" && this.#systemDark);
  }

  /** toggle switches to the other theme and remembers it (back to the system's when they agree). */
  toggle(): void {
    const next = this.isDark ? "light" : "dark";
    this.choice = (next === "dark") === this.#systemDark ? "system" : next;
    if (this.choice === "system") localStorage.removeItem(storageKey);
    else localStorage.setItem(storageKey, this.choice);
    this.#apply();
  }

  #apply(): void {
    if (this.choice === "system") delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = this.choice;
  }
}

export const theme = new Theme();
