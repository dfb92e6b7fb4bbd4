/** Svelte's options for Vite and svelte-check: every component uses runes. */
export default {
  compilerOptions: { runes: true },
};
