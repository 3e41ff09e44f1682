// SPDX-License-Identifier: GPL-2.0
/*
 * Thin wrappers of static-inline kernel functions and macros, for the Rust side of rsec.
 * No logic lives here: each function is one call, declared in bindings/rsec_bindings.h.
 */
#include "bindings/rsec_bindings.h"

const char *rsec_helper_kernel_release(void)
{
	return init_utsname()->release;
}

void rsec_helper_rcu_read_lock(void)
{
	rcu_read_lock();
}

void rsec_helper_rcu_read_unlock(void)
{
	rcu_read_unlock();
}

void rsec_helper_hlist_add_head_rcu(struct hlist_node *n, struct hlist_head *h)
{
	hlist_add_head_rcu(n, h);
}

void rsec_helper_hlist_del_rcu(struct hlist_node *n)
{
	hlist_del_rcu(n);
}

struct hlist_node *rsec_helper_hlist_first_rcu(struct hlist_head *h)
{
	return rcu_dereference(hlist_first_rcu(h));
}

struct hlist_node *rsec_helper_hlist_next_rcu(struct hlist_node *n)
{
	return rcu_dereference(hlist_next_rcu(n));
}

void *rsec_helper_net_generic(const struct net *net, unsigned int id)
{
	return net_generic(net, id);
}

struct net *rsec_helper_genl_info_net(const struct genl_info *info)
{
	return genl_info_net(info);
}

const struct genl_info *rsec_helper_genl_info_dump(struct netlink_callback *cb)
{
	return genl_info_dump(cb);
}

void *rsec_helper_nlmsg_attrdata(const struct nlmsghdr *nlh, int hdrlen)
{
	return nlmsg_attrdata(nlh, hdrlen);
}

int rsec_helper_nlmsg_attrlen(const struct nlmsghdr *nlh, int hdrlen)
{
	return nlmsg_attrlen(nlh, hdrlen);
}

struct sk_buff *rsec_helper_genlmsg_new(size_t payload)
{
	return genlmsg_new(payload, GFP_KERNEL);
}

void rsec_helper_nlmsg_free(struct sk_buff *skb)
{
	nlmsg_free(skb);
}

void *rsec_helper_genlmsg_iput(struct sk_buff *skb, const struct genl_info *info, int flags)
{
	return __genlmsg_iput(skb, info, flags);
}

void rsec_helper_genlmsg_end(struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
}

void rsec_helper_genlmsg_cancel(struct sk_buff *skb, void *hdr)
{
	genlmsg_cancel(skb, hdr);
}

int rsec_helper_genlmsg_reply(struct sk_buff *skb, struct genl_info *info)
{
	return genlmsg_reply(skb, info);
}

struct nlattr *rsec_helper_nla_nest_start(struct sk_buff *skb, int attrtype)
{
	return nla_nest_start(skb, attrtype);
}

int rsec_helper_nla_nest_end(struct sk_buff *skb, struct nlattr *start)
{
	return nla_nest_end(skb, start);
}

void rsec_helper_nla_nest_cancel(struct sk_buff *skb, struct nlattr *start)
{
	nla_nest_cancel(skb, start);
}

unsigned int rsec_helper_skb_len(const struct sk_buff *skb)
{
	return skb->len;
}

time64_t rsec_helper_ktime_get_boottime_seconds(void)
{
	return ktime_get_boottime_seconds();
}
