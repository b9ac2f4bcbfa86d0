// The delivery list, narrowed to one meal for a rider's run.
import type { Schemas } from '../../api/client'

export type BuildingStops = Schemas['DeliveryList']['buildings'][number]

/** forMeal keeps one meal's orders ('' keeps all), dropping buildings left with none. */
export function forMeal(buildings: BuildingStops[], meal: Schemas['Meal'] | ''): BuildingStops[] {
  if (!meal) return buildings
  return buildings.map((b) => ({ ...b, orders: b.orders.filter((o) => o.meal === meal) })).filter((b) => b.orders.length > 0)
}
