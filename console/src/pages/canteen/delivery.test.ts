import { describe, expect, it } from 'vitest'
import { forMeal, type BuildingStops } from './delivery'

type Stop = BuildingStops['orders'][number]

const stop = (order_id: number, meal: Stop['meal']): Stop => ({
  order_id,
  canteen_name: '食堂',
  meal,
  person_id: order_id,
  person_name: `老人${order_id}`,
  unit: '1单元',
  room: '101',
  phone: '13800000000',
  contact_name: '',
  contact_phone: '',
  diet_notes: '',
  note: '',
  status: 'booked',
})

describe('forMeal', () => {
  const buildings: BuildingStops[] = [
    { building_id: 1, building_name: '1幢', orders: [stop(1, 'lunch'), stop(2, 'dinner')] },
    { building_id: 2, building_name: '2幢', orders: [stop(3, 'dinner')] },
  ]

  it('keeps everything for the whole day', () => {
    expect(forMeal(buildings, '')).toBe(buildings)
  })

  it('keeps one meal and drops the buildings left empty', () => {
    const lunch = forMeal(buildings, 'lunch')
    expect(lunch.map((b) => [b.building_id, b.orders.map((o) => o.order_id)])).toEqual([[1, [1]]])
    expect(forMeal(buildings, 'dinner').map((b) => b.orders.map((o) => o.order_id))).toEqual([[2], [3]])
    expect(forMeal(buildings, 'breakfast')).toEqual([])
    expect(buildings[0].orders).toHaveLength(2)
  })
})
