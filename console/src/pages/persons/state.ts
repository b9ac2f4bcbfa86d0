// The register's filter outlives the page, so going back from a person finds the list as it was
// left (the page itself is rebuilt on every route change). Another community starts afresh.
import { reactive } from 'vue'
import { emptyFilter, type RegisterFilter } from './person'

const filter = reactive(emptyFilter())
let community = 0

/** registerFilterFor is the kept filter of the register of a community. */
export function registerFilterFor(communityId: number): RegisterFilter {
  if (community !== communityId) {
    Object.assign(filter, emptyFilter())
    community = communityId
  }
  return filter
}
