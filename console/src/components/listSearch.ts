// What tables searched and sorted on the server share with ListSearch.vue.

/** The order of a list by time of creation, as the server's `order` takes it. */
export type ListOrder = 'newest' | 'oldest'

export const orderOptions: { value: ListOrder; label: string }[] = [
  { value: 'newest', label: '最新在前' },
  { value: 'oldest', label: '最早在前' },
]

/** What an empty table says while a search or filter is on. */
export const noMatch = '没有符合条件的记录'
