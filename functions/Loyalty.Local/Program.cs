using Loyalty.Local;

// `import FILE ...` and the other operator commands run and exit; anything else serves the API.
if (args is [var command, ..] && LocalCommands.Find(command) is { } run)
{
    return await run(args[1..]);
}

LocalApp.Create(args).Run();
return 0;
