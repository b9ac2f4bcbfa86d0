// The console's global directives, for the template type check.
import type { Directive } from 'vue'

declare module 'vue' {
  interface ComponentCustomProperties {
    vLabel: Directive<HTMLElement, string>
  }
}

export {}
