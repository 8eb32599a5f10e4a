int wlcr_plugin_placeholder_(void);
int wlcr_plugin_placeholder_(void)
{
	return 0;
}
