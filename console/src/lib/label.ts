import type { Directive } from 'vue'

// TDesign's inputs put their attributes on a wrapping div, so a screen reader (and a test's
// getByLabel) finds no name on the field itself. v-label="'姓名'" names the inner input,
// textarea or select box.
function apply(el: HTMLElement, name: string) {
  const field = el.matches('input, textarea') ? el : el.querySelector<HTMLElement>('input, textarea')
  if (field && field.getAttribute('aria-label') !== name) field.setAttribute('aria-label', name)
}

export const label: Directive<HTMLElement, string> = {
  mounted: (el, b) => apply(el, b.value),
  updated: (el, b) => apply(el, b.value),
}
