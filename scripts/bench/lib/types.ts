/** What one benchmark run found (summary.json has exactly this shape). */
import type { CpuWindow } from "./cpu.ts";
import type { LabelStats, Latency } from "./jtl.ts";
import type { Settings } from "./settings.ts";

export type Stock = { available: number; held: number; sold: number; total: number; consistent: boolean };

export type CeilingResult = {
  stats: LabelStats;
  /** what hello-world itself counted */
  server: { requests: number; connections: number };
  /** JMeter's warm-up requests (GET /health, the warm-up purchase), not in the stats */
  warmUpRequests: number;
  cpu: CpuWindow;
  jtl: string;
};

export type ConfigResult = {
  name: string;
  spec: string;
  stackStartS: number | null;
  seed: { buyers: number; via: string; seconds: number };
  drop: { dropId: string; startsAt: string; units: number; perBuyerLimit: number; holdSeconds: number };
  burst: LabelStats & {
    firstAttemptAfterOpeningMs: number;
    soldOutAfterOpeningMs: number | null;
    firstSoldOutAfterOpeningMs: number | null;
    perSWhileOnSale: number | null;
    perSAfterSoldOut: number | null;
    latencyByOutcomeMs: Record<string, Latency>;
    held201: number;
    /** answers to the one purchase per thread sent before the opening to warm the generator up (409 NOT_OPEN) */
    warmUpPurchases: Record<string, number>;
  };
  checks: {
    units: number;
    sold: number;
    stock: Stock;
    oversold: number;
    duplicateOrderIds: number;
    buyersOverLimit: number;
    ordersSeen: number;
    ordersNotFinal: number;
    ordersFailed: number;
    statuses: Record<string, number>;
    confirmed: number;
    confirmedUnits: number;
    heldWithoutOrder: number;
    soldMatchesConfirmed: boolean;
    settled: boolean;
    settleS: number;
    consumerLag: number | null;
    fiveXX: number;
    connectionErrors: number;
    otherErrors: number;
    passed: boolean;
    problems: string[];
  };
  saga: { confirmed: number; latencyMs: Latency; confirmedDuringBurst: number; lastConfirmAfterOpeningMs: number | null };
  cpu: { idle: CpuWindow; burst: CpuWindow; wholeDrop: CpuWindow; perConfirmedOrderMs: Record<string, number>; outsideGatewayMs: number | null; platformMs: number | null };
  extras: Record<string, LabelStats> | undefined;
  files: { jtl: string; dashboard: string | undefined; buyersCsv: string; attemptsCsv: string };
};

export type Summary = {
  when: string;
  scale: string;
  settings: Omit<Settings, "baseline" | "variants"> & { baseline: string; variants: string[] };
  machine: { cpus: number; cpuModel: string; memGiB: number; node: string; java: string; loadavgAtStart: number[] };
  ceiling: (Omit<CeilingResult, "jtl"> & { dashboard: string | undefined }) | undefined;
  configs: ConfigResult[];
  passed: boolean;
  outDir: string;
};
