import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-md p-10 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <Link className="mt-4 inline-block text-brand underline" href="/">
        Back to the fleet overview
      </Link>
    </main>
  );
}
