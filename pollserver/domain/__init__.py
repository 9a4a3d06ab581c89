"""Pure rules of valuehub: specs, votes, phases, NPS. Standard library only."""
