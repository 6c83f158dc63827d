using System.Runtime.CompilerServices;

// Parser internals (line reader, UTF-8 helpers, caches, the word-count accumulator) are internal; the tests, the
// benchmark (which measures the line reader on its own) and the Host (its one-shot file runs) see them.
[assembly: InternalsVisibleTo("Reactive.Operators.Tests")]
[assembly: InternalsVisibleTo("Reactive.Sources.Tests")]
[assembly: InternalsVisibleTo("Reactive.Host.Tests")]
[assembly: InternalsVisibleTo("Reactive.Bench")]
[assembly: InternalsVisibleTo("Reactive.Host")]
