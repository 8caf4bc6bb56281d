"""The playground: a web page, served by the fake Discord, through which a person uses the
real bot as a member of a Discord server would (`make play`)."""
