"""Domain model of a participatory-budgeting election: manifest, ballots, counting, ranking.

Pure: these modules compute, they do not store or serve; the service and the record writer
call them.
"""
