/**
 * A drop's schedule in the inventory's table (`@drops/inventory-service/schedule`): what the catalog
 * registers over `PUT /internal/drops/:dropId`, for a process that writes it directly (scripts/seed.ts,
 * before the services run). The opener loads it into Redis shortly before its start.
 */
export { scheduleDrop, type DropRow, type DropSchedule, type ScheduleResult } from "./drops.ts";
export type { Pool } from "./db.ts";
