import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="mx-auto max-w-md p-10 text-center">
      <h1 className="text-2xl font-semibold">403 — not allowed</h1>
      <p className="mt-2 text-slate-600">Your role does not give access to this page.</p>
      <Link className="mt-4 inline-block text-brand underline" href="/">
        Back to the fleet overview
      </Link>
    </main>
  );
}
