// The real upstreams' public endpoints (constants only, safe to import in the browser).

/** Flatcar's public update server (Nebraska), what `SERVER=` defaults to on a Flatcar host. */
export const FLATCAR_PUBLIC_OMAHA = "https://public.update.flatcar-linux.net/v1/update/";
/** FCOS stream metadata, a public API at a stable URL (coreos-stream-metadata: `fcos::StreamID::url`). */
export const FCOS_STREAMS_URL = "https://builds.coreos.fedoraproject.org/streams/{stream}.json";
/** The FCOS update graph Zincati polls by default. */
export const FCOS_GRAPH_URL = "https://updates.coreos.fedoraproject.org/v1/graph";
