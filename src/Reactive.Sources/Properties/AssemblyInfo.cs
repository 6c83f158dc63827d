using System.Runtime.CompilerServices;

// The sources' implementation classes are internal (users get them as ILineSource from LineSource); the tests, the
// benchmark see them (the host composes the public surface only).
[assembly: InternalsVisibleTo("Reactive.Sources.Tests")]
[assembly: InternalsVisibleTo("Reactive.Host.Tests")]
[assembly: InternalsVisibleTo("Reactive.Bench")]
