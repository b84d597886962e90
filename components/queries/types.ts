// JSON shapes of the operator API as the browser receives them (dates are strings).
import type { FleetOverview, HostReportRow, HostRow } from "@/db/queries/hosts";
import type { FcosHostGuidance } from "@/lib/cincinnati/manual-step";

type Jsonified<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

export type Host = Jsonified<HostRow> & { channelId?: string | null; groupKnown?: boolean; fcosGuidance?: FcosHostGuidance | null };
export type HostReport = Jsonified<HostReportRow>;
export type Overview = Omit<FleetOverview, "errorHosts" | "staleHosts"> & {
  errorHosts: Array<Jsonified<FleetOverview["errorHosts"][number]>>;
  staleHosts: Array<Jsonified<FleetOverview["staleHosts"][number]>>;
};
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
