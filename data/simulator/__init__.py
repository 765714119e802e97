"""The project's JIRA simulator (Cloud and Data Center) and its demo project.

Public entry points: :class:`data.simulator.server.JiraSimulator`,
:func:`data.simulator.demo_data.generate_demo_issues` and
:func:`data.simulator.demo_settings.demo_settings`. See ``README.md`` beside this file.
"""
